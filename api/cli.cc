#include "api/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/cli_commands.h"
#include "indexer/schema.h"
#include "indexer/search_index.h"
#include "registry/tables/table_reader.h"

namespace tp::api {
namespace {

using cli::Args;

// One option of a command: `value` names its value in the help ("DIR"); nullptr for a flag.
struct OptionSpec {
  const char* name;
  const char* value;
  const char* help;
};

// One command: its options, its positional arguments and examples. The help of each command,
// the overview and the man page are all written from this table.
struct CommandSpec {
  const char* name;
  const char* summary;
  const char* positional;  // "FILE", "QUERY…" or nullptr
  const char* positional_help;
  bool many = false;  // the positional argument may be repeated
  std::vector<OptionSpec> options;
  const char* examples;
  int (*run)(const Args&);
};

constexpr OptionSpec kData{"data", "DIR", "登记库目录（数据库、密钥文件和搜索索引所在的目录）"};

// The search filters of the API (?province=45&tier=…), as options of `talentpool search`.
std::vector<OptionSpec> SearchOptions() {
  std::vector<OptionSpec> options = {
      kData,
      {"size", "N", "每页条数（默认 10）"},
      {"page", "N", "第几页（从 1 起）"},
      {"sort", "ORDER", "排序：relevance、admission_year、+admission_year、age 或 -age"},
      {"facets", "true|false", "是否统计分面（默认 true）"},
      {"province", "CODE", "筛选：省级行政区代码（如 45）"},
      {"unit_type", "TYPE", "筛选：推荐单位类型"},
      {"tier", "TIER", "筛选：人才类别（领军人才、青年人才）"},
      {"ethnic_group", "NAME", "筛选：民族"},
      {"gender", "男|女", "筛选：性别"},
      {"age_band", "BAND", "筛选：年龄段（35岁及以下、36-45岁、46-55岁、56岁及以上）"},
      {"round", "CODE", "筛选：推荐轮次"},
      {"year", "YEAR", "筛选：入库年度"},
      {"honour", "NAME", "筛选：荣誉"},
      {"trained", "EVENT", "筛选：参加过的培训活动"},
      {"group", "NAME", "筛选：所属群体"},
      {"trained_year", "YEAR", "筛选：参加培训的年度"},
      {"political", "NAME", "筛选：政治面貌（九三学社社员、民盟盟员…）"},
  };
  return options;
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> commands = {
      {"init",
       "创建空登记库（SQLite 数据库、密钥文件和搜索索引）",
       nullptr,
       nullptr,
       false,
       {kData},
       "talentpool init --data /var/lib/talentpool/registry",
       cli::CmdInit},
      {"import",
       "导入入库人员（CSV、XLSX、XLS、Word 或其 zip）。被拒绝的行逐行列出行号、字段和原因，"
       "最后一行是 imported N, rejected M。退出码：0 全部导入，1 有行被拒绝或待确认，2 "
       "文件无法读取",
       "FILE",
       "要导入的文件",
       false,
       {kData,
        {"same", "ROW=编号,…", "确认这些待确认的行是该在库人员（如 3=P0000012）"},
        {"new", "ROW,…", "确认这些待确认的行是另一人，新建"}},
       "talentpool import --data /var/lib/talentpool/registry 2024年入库名单.xlsx\n"
       "talentpool import --data DIR 汇总表.docx --same 3=P0000012 --new 4",
       cli::CmdImport},
      {"stats",
       "统计（JSON），至少含 {\"persons\": N}",
       nullptr,
       nullptr,
       false,
       {kData},
       "talentpool stats --data /var/lib/talentpool/registry",
       cli::CmdStats},
      {"token",
       "签发、列出或吊销 API 令牌；新令牌只显示这一次",
       nullptr,
       nullptr,
       false,
       {kData,
        {"role", "staff|province|unit", "令牌的角色"},
        {"unit", "CODE", "unit 角色的推荐单位代码（见 talentpool units）"},
        {"province", "CODE", "province 角色的省级行政区代码（如 45）"},
        {"label", "TEXT", "令牌的说明，列表中显示"},
        {"list", nullptr, "列出令牌（不含令牌本身）"},
        {"revoke", "ID", "吊销编号为 ID 的令牌（编号见 --list）"}},
       "talentpool token --data DIR --role staff --label 审核组\n"
       "talentpool token --data DIR --role unit --unit U450001\n"
       "talentpool token --data DIR --list\n"
       "talentpool token --data DIR --revoke 3",
       cli::CmdToken},
      {"user",
       "管理账户：add 开设（最后一行是只显示这一次的初始密码）、list 列出、disable 停用、"
       "enable 启用、reset 重置密码、unlock 解除锁定",
       "ACTION",
       "add、list、disable、enable、reset 或 unlock",
       false,
       {kData,
        {"username", "NAME", "用户名"},
        {"role", "staff|province|unit|expert", "add：账户的角色（expert：荣誉推选的评审专家）"},
        {"province", "CODE", "add：province 角色的省级行政区代码"},
        {"unit", "CODE", "add：unit 角色的推荐单位代码；expert 所在的推荐单位（如有，用于回避）"},
        {"organisation", "工作单位", "add：expert 角色必填，其工作单位（用于回避）"},
        {"name", "显示名", "add：显示的姓名（默认同用户名）"}},
       "talentpool user add --data DIR --username wangfang --role staff --name 王芳\n"
       "talentpool user add --data DIR --username zhou-expert --role expert --name 周研究员 "
       "--organisation 中国科学院广西植物研究所\n"
       "talentpool user list --data DIR\n"
       "talentpool user reset --data DIR --username wangfang",
       cli::CmdUser},
      {"units",
       "列出推荐单位及代码（代码、类型、省份、名称，以制表符分隔）",
       nullptr,
       nullptr,
       false,
       {kData},
       "talentpool units --data DIR",
       cli::CmdUnits},
      {"serve",
       "提供 API 和网页，直到收到 SIGTERM 或 "
       "SIGINT（收到后不再接受连接，处理完进行中的请求再退出）",
       nullptr,
       nullptr,
       false,
       {kData,
        {"config", "FILE", "配置文件（TOML，见 talentpool.toml.example）；命令行选项优先于它"},
        {"port", "N", "端口（默认 8080；0 为任一空闲端口）"},
        {"bind", "ADDR", "监听地址（默认 127.0.0.1）"},
        {"threads", "N", "处理请求的线程数（默认 8）"},
        {"web", "DIR", "网页目录（默认安装目录下 share/talentpool/web）"},
        {"trusted-proxy", "ADDR",
         "只在 nginx 等代理之后设置：此地址发来的 X-Real-IP 才被采信为客户端地址"},
        {"session-idle-minutes", "N", "会话无操作多少分钟后结束（默认 30）"},
        {"session-hours", "N", "会话自登录起多少小时后结束（默认 12）"}},
       "talentpool serve --data DIR --port 8080 --bind 127.0.0.1\n"
       "talentpool serve --config /etc/talentpool/talentpool.toml",
       cli::CmdServe},
      {"config",
       "检查 serve 的配置文件：每个键的类型和取值范围、登记库目录、参考数据；有误时指出文件和键，"
       "退出码 2",
       "ACTION",
       "check",
       false,
       {{"config", "FILE", "配置文件（TOML）"},
        {"data", "DIR", "登记库目录（替代配置文件的 [server] data）"}},
       "talentpool config check --config /etc/talentpool/talentpool.toml",
       cli::CmdConfig},
      {"export",
       "导出全部人员的全部字段（含编号）为 XLSX；身份证号、手机默认遮蔽。在 Excel/WPS 中修改后"
       "用 import 导回：只更新改动的单元格，不新增人员；遮蔽的号码视为未改动",
       nullptr,
       nullptr,
       false,
       {kData,
        {"out", "FILE.xlsx", "输出文件"},
        {"reveal", nullptr, "导出完整的身份证号和手机（记入审计，请妥善保管文件）"}},
       "talentpool export --data DIR --out 全部人员.xlsx",
       cli::CmdExport},
      {"search", "检索，结果以 JSON 打印，与 API 的 /api/v1/search 相同", "QUERY",
       "检索词（可多个，以空格连接）", true, SearchOptions(),
       "talentpool search --data DIR 人工智能 --province 45\n"
       "talentpool search --data DIR 张伟 --tier 青年人才 --size 20 --page 2",
       cli::CmdSearch},
      {"reindex",
       "从登记库重建搜索索引",
       nullptr,
       nullptr,
       false,
       {kData},
       "talentpool reindex --data DIR",
       cli::CmdReindex},
      {"backup",
       "在线备份数据库和附件（服务运行时也可进行）；密钥文件 talentpool.key 另行保管",
       nullptr,
       nullptr,
       false,
       {kData, {"out", "FILE", "备份文件"}},
       "talentpool backup --data /var/lib/talentpool/registry --out /var/backups/talentpool/"
       "2026-12-07.tpbak",
       cli::CmdBackup},
      {"restore",
       "从备份恢复到登记库目录（该目录须已有同一登记库的密钥文件）；索引随后自动重建",
       "FILE",
       "备份文件",
       false,
       {kData},
       "talentpool restore --data DIR /var/backups/talentpool/2026-12-07.tpbak",
       cli::CmdRestore},
      {"rekey",
       "轮换密钥：以新密钥重新加密全部身份证号、手机等（可在服务运行时进行，中断后再次运行即继续）",
       nullptr,
       nullptr,
       false,
       {kData, {"batch", "N", "每批重新加密的行数（默认 500）"}},
       "talentpool rekey --data DIR",
       cli::CmdRekey},
      {"demo",
       "生成演示数据（CSV，可用 import 导入）",
       nullptr,
       nullptr,
       false,
       {{"out", "FILE", "输出文件"},
        {"persons", "N", "人数（默认 1000）"},
        {"seed", "N", "随机种子（默认 2024）；同一种子生成同样的数据"}},
       "talentpool demo --out demo.csv --persons 100000",
       cli::CmdDemo},
  };
  return commands;
}

std::string VersionText() {
  return std::string("talentpool ") + TALENTPOOL_VERSION + "\n索引格式 " +
         indexer::SearchIndex::AnalyzerVersion();
}

// The parser of the whole command line; a command's options land in `args`.
std::unique_ptr<CLI::App> MakeApp(Args* args, const CommandSpec** chosen) {
  auto app = std::make_unique<CLI::App>(
      "talentpool：科技人才库的登记、检索与推荐。每个命令都有 --help。", "talentpool");
  app->set_help_flag("-h,--help", "显示帮助并退出");
  app->set_version_flag("-V,--version", VersionText(), "显示版本和索引格式并退出");
  app->option_defaults()->group("选项");
  app->get_help_ptr()->group("选项");
  app->get_version_ptr()->group("选项");
  auto formatter = app->get_formatter();
  formatter->label("Usage", "用法");
  formatter->label("OPTIONS", "选项");
  formatter->label("SUBCOMMAND", "命令");
  formatter->label("SUBCOMMANDS", "命令");
  formatter->label("Positionals", "参数");
  formatter->label("REQUIRED", "（必需）");
  formatter->label("Subcommands", "命令");
  formatter->column_width(34);
  app->footer(
      "退出码：0 成功，1 部分完成或登记库一侧出错，2 命令行或输入文件有误。\n"
      "示例：talentpool import --help");
  for (const CommandSpec& spec : Commands()) {
    CLI::App* sub = app->add_subcommand(spec.name, spec.summary);
    sub->group("命令");
    sub->get_help_ptr()->group("选项");
    for (const OptionSpec& o : spec.options) {
      const std::string name = o.name;
      if (o.value == nullptr) {
        sub->add_flag_callback(
            "--" + name, [args, name] { args->options[name] = "1"; }, o.help);
      } else {
        sub->add_option_function<std::string>(
               "--" + name, [args, name](const std::string& v) { args->options[name] = v; }, o.help)
            ->type_name(o.value);
      }
    }
    if (spec.positional != nullptr) {
      auto* positional =
          sub->add_option(spec.positional, args->positional, spec.positional_help)->type_name("");
      if (!spec.many) positional->expected(0, 1);
    }
    sub->footer(std::string("示例：\n") + spec.examples);
    sub->callback([chosen, &spec] { *chosen = &spec; });
  }
  return app;
}

// CLI11's own messages are in English; the administrator reads Chinese.
int ParseFailure(const CLI::App& app, const CLI::ParseError& e, std::string_view command) {
  std::string what = e.what();
  std::string detail = what.substr(what.find(':') == std::string::npos ? 0 : what.find(':') + 1);
  while (!detail.empty() && detail.front() == ' ') detail.erase(0, 1);
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::fprintf(stderr, "未知的选项或多余的参数：%s\n", detail.c_str());
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    std::fprintf(stderr, "选项缺少取值或取值过多：%s\n", what.c_str());
  } else {
    std::fprintf(stderr, "命令行有误：%s\n", what.c_str());
  }
  (void)app;
  std::fprintf(stderr, "用法见 talentpool %s--help\n",
               command.empty() ? "" : (std::string(command) + " ").c_str());
  return 2;
}

// roff: a backslash and a leading dot or quote are escaped.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

void WriteManPage(std::FILE* out) {
  std::ostringstream m;
  m << ".TH TALENTPOOL 1 \"\" \"talentpool " << TALENTPOOL_VERSION << "\" \"talentpool\"\n"
    << ".SH NAME\ntalentpool \\- " << Roff("科技人才库的登记、检索与推荐") << "\n"
    << ".SH SYNOPSIS\n.B talentpool\n.I COMMAND\n[\\fIOPTIONS\\fR]\n"
    << ".br\n.B talentpool\n\\-\\-version | \\-\\-help\n"
    << ".SH DESCRIPTION\n"
    << Roff("每个命令的选项如下；talentpool COMMAND --help 打印同样的内容。") << "\n"
    << ".SH COMMANDS\n";
  for (const CommandSpec& spec : Commands()) {
    m << ".SS \"" << spec.name << "\"\n" << Roff(spec.summary) << "\n";
    if (spec.positional != nullptr) {
      m << ".TP\n.I " << Roff(spec.positional) << "\n" << Roff(spec.positional_help) << "\n";
    }
    for (const OptionSpec& o : spec.options) {
      m << ".TP\n.B \\-\\-" << Roff(o.name) << "\n";
      if (o.value != nullptr) m << ".I " << Roff(o.value) << "\n";
      m << ".br\n" << Roff(o.help) << "\n";
    }
    m << ".PP\n" << Roff("示例：") << "\n.nf\n" << Roff(spec.examples) << "\n.fi\n";
  }
  m << ".SH EXIT STATUS\n"
    << Roff("0 成功；1 部分完成（如有行被拒绝）或登记库一侧出错；2 命令行或输入文件有误。") << "\n"
    << ".SH FILES\n.TP\n/etc/talentpool/talentpool.toml\n"
    << Roff("serve 的配置（talentpool config check 检查它）") << "\n"
    << ".TP\n/var/lib/talentpool\n"
    << Roff("登记库（软件包安装时）") << "\n"
    << ".SH ENVIRONMENT\n.TP\nTALENTPOOL_ROOT\n"
    << Roff("存放 data/ 和 web/ 的目录，替代安装目录下的 share/talentpool") << "\n";
  std::fputs(m.str().c_str(), out);
}

}  // namespace

int RunCommandLine(int argc, char** argv) {
  // .xls files are parsed by a child running this same binary (table_reader.h).
  char self[4096];
  ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length > 0) registry::SetXlsReaderBinary(std::string(self, static_cast<std::size_t>(length)));
  if (argc == 3 && std::string_view(argv[1]) == "read-xls") {
    return registry::ReadXlsInChild(argv[2], stdout);  // internal: not in the usage text
  }
  if (argc == 2 && std::string_view(argv[1]) == "man") {  // the build writes talentpool.1 so
    WriteManPage(stdout);
    return 0;
  }
  Args args;
  const CommandSpec* chosen = nullptr;
  auto app = MakeApp(&args, &chosen);
  if (argc < 2) {
    std::fputs(app->help().c_str(), stderr);
    return 2;
  }
  if (argc == 2 && std::string_view(argv[1]) == "help") {
    std::fputs(app->help().c_str(), stdout);
    return 0;
  }
  try {
    app->parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app->exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app->exit(e);
  } catch (const CLI::ParseError& e) {
    std::string_view command;
    for (const CLI::App* sub : app->get_subcommands()) command = sub->get_name();
    if (command.empty() && dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      std::fprintf(stderr, "未知命令：%s\n\n%s", argv[1], app->help().c_str());
      return 2;
    }
    return ParseFailure(*app, e, command);
  }
  if (chosen == nullptr) {
    std::fputs(app->help().c_str(), stderr);
    return 2;
  }
  return chosen->run(args);
}

}  // namespace tp::api
