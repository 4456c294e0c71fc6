#include "api/config.h"

#include <toml++/toml.h>
#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

namespace tp::api {
namespace {

enum class Kind { kInteger, kNumber, kText, kTexts };

// One key of the file: where it lives, what it holds, its range, and where it goes.
struct Key {
  std::string_view table;
  std::string_view name;
  Kind kind;
  double min = 0;
  double max = 0;
  std::function<void(ServeOptions&, std::string*, const toml::node&)> store;
};

template <typename T>
std::function<void(ServeOptions&, std::string*, const toml::node&)> Int(T ServeOptions::*member) {
  return [member](ServeOptions& o, std::string*, const toml::node& n) {
    o.*member = static_cast<T>(*n.value<int64_t>());
  };
}

std::function<void(ServeOptions&, std::string*, const toml::node&)> Real(
    double ServeOptions::*member) {
  return [member](ServeOptions& o, std::string*, const toml::node& n) {
    o.*member = *n.value<double>();
  };
}

std::function<void(ServeOptions&, std::string*, const toml::node&)> Text(
    std::string ServeOptions::*member) {
  return [member](ServeOptions& o, std::string*, const toml::node& n) {
    o.*member = *n.value<std::string>();
  };
}

const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = {
      {"server", "data", Kind::kText, 0, 0, Text(&ServeOptions::data_dir)},
      {"server", "share", Kind::kText, 0, 0,
       [](ServeOptions&, std::string* share, const toml::node& n) {
         *share = *n.value<std::string>();
       }},
      {"server", "web", Kind::kText, 0, 0, Text(&ServeOptions::web_root)},
      {"server", "bind", Kind::kText, 0, 0, Text(&ServeOptions::bind_address)},
      {"server", "port", Kind::kInteger, 0, 65535, Int(&ServeOptions::port)},
      {"server", "threads", Kind::kInteger, 1, 256, Int(&ServeOptions::worker_threads)},
      {"server", "trusted_proxy", Kind::kText, 0, 0, Text(&ServeOptions::trusted_proxy)},
      {"limits", "json_body_kib", Kind::kInteger, 1, 16 * 1024, Int(&ServeOptions::json_body_kib)},
      {"limits", "import_mib", Kind::kInteger, 1, 1024, Int(&ServeOptions::import_mib)},
      {"limits", "uploads_at_once", Kind::kInteger, 1, 64, Int(&ServeOptions::uploads_at_once)},
      {"limits", "uploads_per_token", Kind::kInteger, 1, 64, Int(&ServeOptions::uploads_per_token)},
      {"limits", "read_timeout_seconds", Kind::kInteger, 1, 3600,
       Int(&ServeOptions::read_timeout_seconds)},
      {"limits", "body_timeout_seconds", Kind::kInteger, 1, 3600,
       Int(&ServeOptions::body_timeout_seconds)},
      {"limits", "keep_alive_seconds", Kind::kInteger, 1, 3600,
       Int(&ServeOptions::keep_alive_seconds)},
      {"limits", "calls_per_second_per_token", Kind::kNumber, 0.01, 1e6,
       Real(&ServeOptions::calls_per_second_per_token)},
      {"limits", "call_burst_per_token", Kind::kNumber, 1, 1e6,
       Real(&ServeOptions::call_burst_per_token)},
      {"limits", "checks_per_second_per_token", Kind::kNumber, 0.01, 1e6,
       Real(&ServeOptions::checks_per_second_per_token)},
      {"limits", "check_burst_per_token", Kind::kNumber, 1, 1e6,
       Real(&ServeOptions::check_burst_per_token)},
      {"sessions", "idle_minutes", Kind::kInteger, 1, 7 * 24 * 60,
       Int(&ServeOptions::session_idle_minutes)},
      {"sessions", "hours", Kind::kInteger, 1, 7 * 24, Int(&ServeOptions::session_hours)},
      {"sessions", "lock_after_failures", Kind::kInteger, 1, 100,
       Int(&ServeOptions::lock_after_failures)},
      {"sessions", "lock_minutes", Kind::kInteger, 1, 24 * 60, Int(&ServeOptions::lock_minutes)},
      {"observe", "metrics_from", Kind::kTexts, 0, 0,
       [](ServeOptions& o, std::string*, const toml::node& n) {
         o.metrics_from.clear();
         for (const toml::node& item : *n.as_array()) {
           o.metrics_from.push_back(*item.value<std::string>());
         }
       }},
      {"observe", "log", Kind::kText, 0, 0, Text(&ServeOptions::log_format)},
  };
  return keys;
}

Status Bad(const std::string& path, std::string_view table, std::string_view key,
           const std::string& why) {
  std::string field = "[" + std::string(table) + "]";
  if (!key.empty()) field += " " + std::string(key);
  return InvalidArgument(path + "：" + field + "：" + why, {{field, why, 0}});
}

std::string Range(const Key& k) {
  char text[96];
  if (k.kind == Kind::kInteger) {
    std::snprintf(text, sizeof text, "应为 %.0f 到 %.0f 的整数", k.min, k.max);
  } else {
    std::snprintf(text, sizeof text, "应为 %g 到 %g 的数", k.min, k.max);
  }
  return text;
}

// Whether `n` holds what `k` asks for; the reason when not.
std::string Check(const Key& k, const toml::node& n) {
  switch (k.kind) {
    case Kind::kInteger: {
      auto v = n.value_exact<int64_t>();
      if (!v || *v < k.min || *v > k.max) return Range(k);
      return "";
    }
    case Kind::kNumber: {
      auto v = n.value<double>();
      if (!v || !(n.is_integer() || n.is_floating_point()) || *v < k.min || *v > k.max)
        return Range(k);
      return "";
    }
    case Kind::kText: return n.is_string() ? "" : "应为带引号的文字";
    case Kind::kTexts: {
      const toml::array* list = n.as_array();
      if (list == nullptr || (!list->empty() && !list->is_homogeneous(toml::node_type::string))) {
        return "应为文字的列表，如 [\"127.0.0.1\"]";
      }
      return "";
    }
  }
  return "";
}

}  // namespace

Status LoadServeConfig(const std::string& path, ServeOptions* options, std::string* share_root) {
  toml::table file;
  try {
    file = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return NotFound("配置文件 " + path + " 不存在");
    const auto& where = e.source().begin;
    return InvalidArgument(path + "：第" + std::to_string(where.line) + "行第" +
                               std::to_string(where.column) + "列：TOML 格式有误：" +
                               std::string(e.description()),
                           {{"TOML", std::string(e.description()), where.line}});
  }
  ServeOptions read = *options;
  std::string share = *share_root;
  for (const auto& [table_name, table_node] : file) {
    const std::string_view table = table_name.str();
    bool known_table = false;
    for (const Key& k : Keys()) known_table = known_table || k.table == table;
    if (!known_table) {
      return Bad(path, table, "", "未知的表（可用 [server]、[limits]、[sessions]、[observe]）");
    }
    if (!table_node.is_table())
      return Bad(path, table, "", "应为一个表，如 [" + std::string(table) + "]");
    for (const auto& [key_name, value] : *table_node.as_table()) {
      const std::string_view key = key_name.str();
      const Key* found = nullptr;
      for (const Key& k : Keys()) {
        if (k.table == table && k.name == key) found = &k;
      }
      if (found == nullptr) return Bad(path, table, key, "未知的键");
      if (std::string why = Check(*found, value); !why.empty()) return Bad(path, table, key, why);
      found->store(read, &share, value);
    }
  }
  if (read.session_idle_minutes > read.session_hours * 60) {
    return Bad(path, "sessions", "idle_minutes", "不应超过 hours 的时长");
  }
  if (read.log_format != "json" && read.log_format != "text") {
    return Bad(path, "observe", "log", "应为 \"json\" 或 \"text\"");
  }
  *options = std::move(read);
  *share_root = std::move(share);
  return Status::Ok();
}

Status CheckServeConfig(const std::string& path, const ServeOptions& options,
                        const std::string& share_root) {
  std::error_code ec;
  if (options.data_dir.empty()) {
    return InvalidArgument(path + "：[server] data：未设置登记库目录（或在命令行给出 --data）",
                           {{"[server] data", "未设置", 0}});
  }
  if (!std::filesystem::is_directory(options.data_dir, ec)) {
    return Bad(path, "server", "data", options.data_dir + " 不是目录（先运行 talentpool init）");
  }
  if (!share_root.empty() && !std::filesystem::is_directory(share_root + "/data", ec)) {
    return Bad(path, "server", "share", share_root + " 下没有 data/ 目录");
  }
  if (!options.web_root.empty() && !std::filesystem::is_directory(options.web_root, ec)) {
    return Bad(path, "server", "web", options.web_root + " 不是目录");
  }
  return Status::Ok();
}

}  // namespace tp::api
