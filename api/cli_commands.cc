#include "api/cli_commands.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/config.h"
#include "api/import_run.h"
#include "api/progress.h"
#include "api/serve.h"
#include "indexer/search_index.h"
#include "indexer/search_json.h"
#include "indexer/store_change_source.h"
#include "registry/accounts/accounts.h"
#include "registry/base/paths.h"
#include "registry/fields/reference_data.h"
#include "registry/fields/validate.h"
#include "registry/import/demo_data.h"
#include "registry/import/importer.h"
#include "registry/import/person_export.h"
#include "registry/store/backup.h"
#include "registry/store/rekey.h"
#include "registry/store/store.h"
#include "registry/tables/table_reader.h"

namespace tp::api::cli {

using json = nlohmann::json;
using registry::Store;

namespace {

int Fail(const Status& status, int code = 1) {
  std::fprintf(stderr, "错误：%s\n", status.message().c_str());
  for (const FieldError& e : status.details()) {
    if (e.row > 0) {
      std::fprintf(stderr, "  第%ld行 字段「%s」：%s\n", e.row, e.field.c_str(), e.message.c_str());
    }
  }
  return code;
}

std::optional<std::string> RequireData(const Args& args) {
  auto dir = args.Get("data");
  if (!dir || dir->empty()) {
    std::fprintf(stderr, "缺少 --data DIR（登记库目录）\n");
    return std::nullopt;
  }
  return dir;
}

}  // namespace

int CmdInit(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto store = Store::Create(*dir);
  if (!store.ok()) return Fail(store.status());
  auto index = indexer::SearchIndex::Open((*store)->IndexDir());
  if (!index.ok()) return Fail(index.status());
  std::printf("已创建登记库：%s\n", dir->c_str());
  return 0;
}

// Brings the search index of `store` up to date with the registry's change log.
static StatusOr<std::unique_ptr<indexer::SearchIndex>> OpenIndex(Store& store) {
  TP_ASSIGN_OR_RETURN(auto index, indexer::SearchIndex::Open(store.IndexDir()));
  indexer::StoreChangeSource source(store);
  auto caught_up = index->CatchUp(source);
  if (!caught_up.ok()) return caught_up.status();
  return index;
}

int CmdImport(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  if (args.positional.size() != 1) {
    std::fprintf(stderr, "用法：talentpool import --data DIR FILE\n");
    return 2;
  }
  const std::string& file = args.positional[0];
  auto ref = registry::ReferenceData::Load(registry::DataDir());
  if (!ref.ok()) return Fail(ref.status(), 2);
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  // A zip of documents (a unit's forms) is imported file by file.
  std::optional<registry::Bundle> bundle;
  if (std::ifstream in(file, std::ios::binary); in && in.peek() == 'P') {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (registry::IsBundle(bytes)) {
      auto opened = registry::OpenBundle(bytes, file);
      if (!opened.ok()) return Fail(opened.status(), 2);
      bundle = std::move(opened).value();
    }
  }
  StatusOr<std::unique_ptr<registry::TableReader>> reader = InvalidArgument("");
  if (!bundle) {
    reader = registry::OpenTable(file, registry::ImportTableOptions());
    if (!reader.ok()) return Fail(reader.status(), 2);
  }
  auto index = indexer::SearchIndex::Open((*store)->IndexDir());

  ProgressLine progress("导入");
  ImportPolicy policy;
  policy.who.actor = "cli";
  policy.source = file;
  std::string current;  // the file of an archive whose rows are being read
  policy.on_file = [&current](const std::string& name) { current = "「" + name + "」"; };
  policy.on_rejected = [&current, &progress](const std::vector<FieldError>& errors) {
    progress.Clear();
    for (const FieldError& e : errors) {
      if (e.row == 0) {  // the message names the file
        std::printf("%s\n", e.message.c_str());
      } else {
        std::printf("%s第%ld行 字段「%s」：%s\n", current.c_str(), e.row, e.field.c_str(),
                    e.message.c_str());
      }
    }
  };
  Status confirmed =
      ParseConfirmations(args.GetOr("same", ""), args.GetOr("new", ""), "--same", "--new", &policy);
  if (!confirmed.ok()) return Fail(confirmed, 2);
  policy.on_held = [&current](const registry::HeldRow& held) {
    std::printf("%s%s，未导入\n", current.c_str(), DescribeHeld(held).c_str());
  };
  policy.build_empty_index_beside = true;
  policy.on_progress = [&progress](long committed) { progress.Update(committed); };
  indexer::SearchIndex* target = index.ok() ? index->get() : nullptr;
  auto outcome = bundle ? RunBundleImport(**store, target, *bundle, *ref, policy)
                        : RunImport(**store, target, **reader, *ref, policy);
  progress.Clear();
  if (bundle) {
    for (const std::string& name : bundle->skipped) {
      std::printf("「%s」不是表格或 Word 文档，已跳过\n", name.c_str());
    }
  }
  if (!outcome.ok()) {
    Fail(outcome.status());
    return 2;
  }
  const registry::ImportReport& report = outcome->report;
  for (const std::string& column : report.ignored_columns) {
    std::printf("未识别的列「%s」已忽略\n", column.c_str());
  }
  Status indexed = index.ok() ? outcome->indexed : index.status();
  if (!indexed.ok()) {
    std::fprintf(stderr, "搜索索引未能更新（数据已导入，稍后运行 talentpool reindex）：%s\n",
                 indexed.message().c_str());
  }
  std::printf("新增 %ld 人，更新 %ld 人，未变 %ld 人\n", report.inserted, report.updated,
              report.unchanged);
  for (long row : report.unused_confirmations) {
    std::printf(
        "第%ld行不是待确认的行（没有这一行，或它有编号、身份证号，或未通过校验）：确认未使用\n",
        row);
  }
  if (report.held > 0) {
    std::printf(
        "%ld 行没有编号和身份证号、可能是在库人员，待确认：是同一人用 --same 行号=编号，"
        "是另一人用 --new 行号，再次导入（或在该行填写编号）\n",
        report.held);
  }
  std::printf("imported %ld, rejected %ld\n", report.imported, report.rejected);
  return report.rejected == 0 && report.held == 0 ? 0 : 1;
}

int CmdExport(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto out = args.Get("out");
  if (!out || out->empty() || !args.positional.empty()) {
    std::fprintf(stderr, "用法：talentpool export --data DIR --out FILE.xlsx [--reveal]\n");
    return 2;
  }
  auto ref = registry::ReferenceData::Load(registry::DataDir());
  if (!ref.ok()) return Fail(ref.status(), 2);
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  const bool reveal = args.Get("reveal").has_value();
  // Written beside the target and renamed when complete: a failed export leaves no half file.
  const std::string partial = *out + ".part";
  auto writer = registry::XlsxWriter::Create(partial);
  if (!writer.ok()) return Fail(writer.status(), 2);
  registry::PersonExportOptions options;
  options.reveal_id_number = options.reveal_phone = reveal;
  ProgressLine progress("导出");
  options.on_progress = [&progress](long written, long total) { progress.Update(written, total); };
  auto report = registry::WritePersonExport(**store, *ref, **writer, options);
  Status closed = report.ok() ? (*writer)->Close() : report.status();
  if (closed.ok() && std::rename(partial.c_str(), out->c_str()) != 0) {
    closed = Internal("无法写入 " + *out);
  }
  if (!closed.ok()) {
    std::remove(partial.c_str());
    return Fail(closed);
  }
  Status audited =
      (*store)->Audit({"cli", "", "export", "persons", "",
                       json{{"rows", report->persons}, {"reveal", reveal}}.dump(), ""});
  if (!audited.ok()) return Fail(audited);
  std::printf("exported %ld persons to %s%s\n", report->persons, out->c_str(),
              reveal ? "（含完整身份证号、手机，请妥善保管）" : "");
  return 0;
}

static json PairsToObject(const std::vector<std::pair<std::string, int64_t>>& pairs) {
  json o = json::object();
  for (const auto& [k, v] : pairs) o[k] = v;
  return o;
}

int CmdStats(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  auto s = (*store)->Stats();
  if (!s.ok()) return Fail(s.status());
  json out = {{"persons", s->persons},
              {"units", s->units},
              {"admissions", s->admissions},
              {"honours", s->honours},
              {"rounds", s->rounds},
              {"recommendations", s->recommendations},
              {"events", s->events},
              {"enrolments", s->enrolments},
              {"last_seq", s->last_seq},
              {"by_tier", PairsToObject(s->by_tier)},
              {"by_year", PairsToObject(s->by_year)},
              {"by_unit_type", PairsToObject(s->by_unit_type)},
              {"by_province", PairsToObject(s->by_province)}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int CmdToken(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  if (args.Get("list")) {
    auto tokens = (*store)->ListTokens();
    if (!tokens.ok()) return Fail(tokens.status());
    json out = json::array();
    for (const auto& t : *tokens) {
      out.push_back({{"id", t.id},
                     {"role", t.role},
                     {"unit", t.unit_code},
                     {"province", t.province},
                     {"label", t.label},
                     {"created_at", t.created_at},
                     {"revoked_at", t.revoked_at}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  if (auto revoke = args.Get("revoke")) {
    int64_t id = 0;
    try {
      id = std::stoll(*revoke);
    } catch (...) {
      std::fprintf(stderr, "--revoke 需要令牌编号（见 --list）\n");
      return 2;
    }
    Status s = (*store)->RevokeToken(id);
    if (!s.ok()) return Fail(s);
    std::printf("已吊销令牌 %lld\n", static_cast<long long>(id));
    return 0;
  }
  auto role = args.Get("role");
  if (!role) {
    std::fprintf(stderr, "缺少 --role staff|province|unit\n");
    return 2;
  }
  auto token = (*store)->CreateToken(*role, args.GetOr("unit", ""), args.GetOr("province", ""),
                                     args.GetOr("label", ""));
  if (!token.ok()) return Fail(token.status());
  std::printf("%s\n", token->c_str());
  return 0;
}

// `talentpool user`: the accounts of a registry, for the first account of a new one and for an
// administrator at the machine. Every change is audited as the command line's.
int CmdUser(const Args& args) {
  const std::string action = args.positional.empty() ? "" : args.positional[0];
  if (action.empty()) {
    std::fprintf(stderr, "缺少子命令：user add|list|disable|enable|reset|unlock\n");
    return 2;
  }
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  auto accounts = registry::Accounts::Open(**store, registry::DataDir());
  if (!accounts.ok()) return Fail(accounts.status(), 2);
  registry::AuditEntry who;
  who.actor = "cli";
  if (action == "list") {
    auto list = (*accounts)->List();
    if (!list.ok()) return Fail(list.status());
    const int64_t now = (*accounts)->Now();
    for (const registry::Account& a : *list) {
      const std::string scope = a.role == "unit"       ? a.unit_code
                                : a.role == "province" ? a.province
                                                       : "";
      std::printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", static_cast<long long>(a.id),
                  a.username.c_str(), a.display_name.c_str(), a.role.c_str(), scope.c_str(),
                  a.State(now).c_str(), registry::IsoUtc(a.last_sign_in_at).c_str());
    }
    return 0;
  }
  auto username = args.Get("username");
  if (!username || username->empty()) {
    std::fprintf(stderr, "缺少 --username 用户名\n");
    return 2;
  }
  auto print_password = [](const std::pair<registry::Account, std::string>& made) {
    std::printf("账户：%s（%s，%s）\n初始密码只显示这一次，首次登录须修改：\n%s\n",
                made.first.username.c_str(), made.first.display_name.c_str(),
                made.first.role.c_str(), made.second.c_str());
    return 0;
  };
  if (action == "add") {
    registry::NewAccount spec;
    spec.username = *username;
    spec.display_name = args.GetOr("name", *username);
    spec.role = args.GetOr("role", "");
    spec.province = args.GetOr("province", "");
    spec.unit_code = args.GetOr("unit", "");
    spec.organisation = args.GetOr("organisation", "");
    if (spec.role.empty()) {
      std::fprintf(stderr, "缺少 --role staff|province|unit|expert\n");
      return 2;
    }
    auto made = (*accounts)->Create(spec, who);
    if (!made.ok()) return Fail(made.status());
    return print_password(*made);
  }
  auto account = (*accounts)->FindByUsername(*username);
  if (!account.ok()) return Fail(account.status());
  if (action == "reset") {
    auto reset = (*accounts)->ResetPassword(account->id, who);
    if (!reset.ok()) return Fail(reset.status());
    return print_password(*reset);
  }
  if (action != "disable" && action != "enable" && action != "unlock") {
    std::fprintf(stderr, "未知子命令：user %s（可用 add、list、disable、enable、reset、unlock）\n",
                 action.c_str());
    return 2;
  }
  StatusOr<registry::Account> changed =
      action == "unlock" ? (*accounts)->Unlock(account->id, who)
                         : (*accounts)->SetDisabled(account->id, action == "disable", who);
  if (!changed.ok()) return Fail(changed.status());
  std::printf("%s：%s\n", changed->username.c_str(), changed->State((*accounts)->Now()).c_str());
  return 0;
}

int CmdUnits(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  auto units = (*store)->ListUnits();
  if (!units.ok()) return Fail(units.status());
  for (const auto& u : *units) {
    std::printf("%s\t%s\t%s\t%s\n", u.code.c_str(), u.type.c_str(), u.province.c_str(),
                u.name.c_str());
  }
  return 0;
}

int CmdDemo(const Args& args) {
  auto out_path = args.Get("out");
  if (!out_path) {
    std::fprintf(stderr, "用法：talentpool demo --out FILE [--persons N] [--seed S]\n");
    return 2;
  }
  registry::DemoOptions options;
  try {
    options.persons = std::stol(args.GetOr("persons", "1000"));
    options.seed = std::stoull(args.GetOr("seed", "2024"));
  } catch (...) {
    std::fprintf(stderr, "--persons 和 --seed 需要整数\n");
    return 2;
  }
  std::ofstream out(*out_path, std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "无法写入 %s\n", out_path->c_str());
    return 2;
  }
  Status s = registry::WriteDemoCsv(options, registry::DataDir(), out);
  if (!s.ok()) return Fail(s);
  out.close();
  std::printf("已生成 %ld 条演示记录：%s\n", options.persons, out_path->c_str());
  return 0;
}

int CmdSearch(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  if (args.positional.empty()) {
    std::fprintf(stderr,
                 "用法：talentpool search --data DIR QUERY [--size N] [--page N] [--sort S]\n");
    return 2;
  }
  std::string query;
  for (const std::string& word : args.positional) query += (query.empty() ? "" : " ") + word;
  std::vector<std::pair<std::string, std::string>> params = {{"q", query}};
  for (const auto& [name, value] : args.options) {
    if (name != "data") params.emplace_back(name, value);
  }
  auto request = indexer::SearchRequestFromParams(params);
  if (!request.ok()) return Fail(request.status(), 2);
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  auto index = OpenIndex(**store);
  if (!index.ok()) return Fail(index.status());
  request->resolve_id = indexer::StoreIdResolver(**store);
  request->resolve_phone = indexer::StorePhoneResolver(**store);  // the command line is staff
  auto result = (*index)->Search(*request);
  if (!result.ok()) return Fail(result.status());
  std::printf("%s\n", indexer::SearchResultToJson(*result).c_str());
  return 0;
}

int CmdReindex(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  auto index = indexer::SearchIndex::Open((*store)->IndexDir());
  if (!index.ok()) return Fail(index.status());
  indexer::StoreChangeSource source(**store);
  auto start = std::chrono::steady_clock::now();
  ProgressLine progress("重建索引", "人");
  auto stats = (*index)->Rebuild(source, nullptr, [&progress](int64_t written, int64_t total) {
    progress.Update(static_cast<long>(written), static_cast<long>(total));
  });
  progress.Clear();
  if (!stats.ok()) return Fail(stats.status());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("reindexed %lld persons in %.1f s (seq %lld)\n",
              static_cast<long long>(stats->written), seconds,
              static_cast<long long>(stats->last_seq));
  return 0;
}

int CmdBackup(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  auto out = args.Get("out");
  if (!out) {
    std::fprintf(stderr, "用法：talentpool backup --data DIR --out FILE\n");
    return 2;
  }
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  ProgressLine progress("备份", "MB");
  registry::BackupOptions options;
  options.on_progress = [&progress](int64_t copied, int64_t total) {
    constexpr int64_t kMb = 1024 * 1024;
    progress.Update(static_cast<long>(copied / kMb), static_cast<long>(total / kMb));
  };
  auto info = registry::BackupTo(**store, *out, options);
  progress.Clear();
  if (!info.ok()) return Fail(info.status());
  (void)(*store)->Audit({"cli", "", "backup", "registry", info->registry_id,
                         json{{"persons", info->persons},
                              {"last_seq", info->last_seq},
                              {"attachment_files", info->attachment_files}}
                             .dump(),
                         ""});
  if (info->attachments_missing > 0) {
    std::printf("%d 个附件在备份时已被删除，未包含在备份中\n", info->attachments_missing);
  }
  std::printf(
      "backed up %lld persons and %d attachment files (seq %lld) to %s; keep "
      "%s/talentpool.key apart from backups\n",
      static_cast<long long>(info->persons), info->attachment_files,
      static_cast<long long>(info->last_seq), out->c_str(), dir->c_str());
  return 0;
}

int CmdRestore(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  if (args.positional.size() != 1) {
    std::fprintf(stderr, "用法：talentpool restore --data DIR FILE\n");
    return 2;
  }
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  auto info = registry::RestoreFrom(**store, args.positional[0]);
  if (!info.ok()) return Fail(info.status());
  // The restored data is another timeline for the index: rebuild it now.
  if (auto index = OpenIndex(**store); !index.ok()) {
    std::fprintf(stderr, "搜索索引未能重建（稍后运行 talentpool reindex）：%s\n",
                 index.status().message().c_str());
  }
  std::printf("restored %lld persons and %d attachment files (seq %lld)\n",
              static_cast<long long>(info->persons), info->attachment_files,
              static_cast<long long>(info->last_seq));
  return 0;
}

int CmdRekey(const Args& args) {
  auto dir = RequireData(args);
  if (!dir) return 2;
  registry::RekeyOptions options;
  try {
    if (auto batch = args.Get("batch")) options.batch_rows = std::stoi(*batch);
  } catch (...) {
    std::fprintf(stderr, "--batch 需要整数\n");
    return 2;
  }
  if (options.batch_rows < 1) {
    std::fprintf(stderr, "--batch 应为正整数\n");
    return 2;
  }
  auto store = Store::Open(*dir);
  if (!store.ok()) return Fail(store.status(), 2);
  bool announced = false;
  options.on_batch = [&](const registry::RekeyProgress& p) {
    if (!announced) {
      std::printf("%s key %u\n", p.resumed ? "resuming rotation to" : "rotating to", p.key_id);
      announced = true;
    }
    std::printf("resealed %lld\n", static_cast<long long>(p.resealed));
    std::fflush(stdout);
  };
  auto done = registry::Rekey(**store, options);
  if (!done.ok()) return Fail(done.status());
  std::printf("rekeyed: %lld values under key %u\n", static_cast<long long>(done->resealed),
              done->key_id);
  return 0;
}

// The options of `serve` and `config check`: the configuration file's, then the command line's
// over them. Returns the exit code when they cannot be used (the reason printed).
static std::optional<int> ServeOptionsOf(const Args& args, ServeOptions* options,
                                         std::string* config_path) {
  std::string share;
  if (auto config = args.Get("config")) {
    *config_path = *config;
    Status loaded = LoadServeConfig(*config, options, &share);
    if (!loaded.ok()) return Fail(loaded, 2);
  }
  if (auto dir = args.Get("data")) options->data_dir = *dir;
  if (options->data_dir.empty()) {
    std::fprintf(stderr, "缺少 --data DIR（登记库目录），或配置文件的 [server] data\n");
    return 2;
  }
  options->bind_address = args.GetOr("bind", options->bind_address);
  try {
    if (auto port = args.Get("port")) options->port = std::stoi(*port);
    if (auto threads = args.Get("threads")) options->worker_threads = std::stoi(*threads);
    if (auto idle = args.Get("session-idle-minutes"))
      options->session_idle_minutes = std::stoi(*idle);
    if (auto hours = args.Get("session-hours")) options->session_hours = std::stoi(*hours);
  } catch (...) {
    std::fprintf(stderr, "--port、--threads、--session-idle-minutes 和 --session-hours 需要整数\n");
    return 2;
  }
  if (options->session_idle_minutes < 1 || options->session_hours < 1 ||
      options->session_idle_minutes > options->session_hours * 60) {
    std::fprintf(stderr, "--session-idle-minutes 应不小于 1 且不超过 --session-hours 的时长\n");
    return 2;
  }
  if (auto web = args.Get("web")) options->web_root = *web;
  if (auto proxy = args.Get("trusted-proxy")) options->trusted_proxy = *proxy;
  if (!share.empty()) registry::SetShareRoot(share);
  Status checked =
      CheckServeConfig(config_path->empty() ? "命令行" : *config_path, *options, share);
  if (!checked.ok()) return Fail(checked, 2);
  return std::nullopt;
}

int CmdServe(const Args& args) {
  ServeOptions options;
  std::string config_path;
  if (auto failed = ServeOptionsOf(args, &options, &config_path)) return *failed;
  return Serve(options);
}

int CmdConfig(const Args& args) {
  if (args.positional.size() != 1 || args.positional[0] != "check") {
    std::fprintf(stderr, "用法：talentpool config check --config FILE [--data DIR]\n");
    return 2;
  }
  if (!args.Get("config")) {
    std::fprintf(stderr, "缺少 --config FILE（配置文件）\n");
    return 2;
  }
  ServeOptions options;
  std::string config_path;
  if (auto failed = ServeOptionsOf(args, &options, &config_path)) return *failed;
  auto ref = registry::ReferenceData::Load(registry::DataDir());
  if (!ref.ok()) return Fail(ref.status(), 2);
  auto store = Store::Open(options.data_dir);
  if (!store.ok()) return Fail(store.status(), 2);
  std::printf("配置有效：%s（登记库 %s，监听 %s:%d，参考数据 %s）\n", config_path.c_str(),
              options.data_dir.c_str(), options.bind_address.c_str(), options.port,
              registry::DataDir().c_str());
  return 0;
}

}  // namespace tp::api::cli
