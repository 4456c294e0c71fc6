#include "registry/campaigns/review_plans.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace tp::registry {
namespace {

using Json = nlohmann::json;

bool IsKey(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

class PlanReader {
 public:
  explicit PlanReader(std::string source) : source_(std::move(source)) {}

  void Fail(const std::string& path, const std::string& message) {
    errors_.push_back({source_ + ":" + path, message, 0});
  }

  std::string Text(const Json& j, const char* key, const std::string& where, bool required) {
    if (!j.contains(key)) {
      if (required) Fail(where + "." + key, "缺少此项");
      return {};
    }
    if (!j[key].is_string() || j[key].get<std::string>().empty()) {
      Fail(where + "." + key, "应为非空字符串");
      return {};
    }
    return j[key].get<std::string>();
  }

  int Count(const Json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) return 0;
    if (!j[key].is_number_integer() || j[key].get<int64_t>() < 1 || j[key].get<int64_t>() > 366) {
      Fail(where + "." + key, "应为 1 到 366 之间的整数");
      return 0;
    }
    return j[key].get<int>();
  }

  Criterion ReadCriterion(const Json& c, const std::string& where) {
    Criterion out;
    if (!c.is_object()) {
      Fail(where, "应为对象");
      return out;
    }
    out.key = Text(c, "key", where, true);
    if (!out.key.empty() && !IsKey(out.key))
      Fail(where + ".key", "应为小写字母、数字和下划线（最长 32 个字符）");
    out.label = Text(c, "label", where, true);
    out.hint = Text(c, "hint", where, false);
    if (!c.contains("max") || !c["max"].is_number() || c["max"].get<double>() <= 0 ||
        c["max"].get<double>() > 1000 || std::fmod(c["max"].get<double>() * 2, 1.0) != 0) {
      Fail(where + ".max", "应为大于 0、不超过 1000 的分值（步长 0.5）");
    } else {
      out.max = c["max"].get<double>();
    }
    return out;
  }

  std::vector<ReviewPlan> Read(const Json& doc) {
    std::vector<ReviewPlan> plans;
    if (!doc.is_object() || !doc.contains("campaigns") || !doc["campaigns"].is_array()) {
      Fail("$.campaigns", "应为数组");
      return plans;
    }
    std::set<std::string> campaigns;
    const Json& list = doc["campaigns"];
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = "$.campaigns[" + std::to_string(i) + "]";
      const Json& p = list[i];
      if (!p.is_object()) {
        Fail(where, "应为对象");
        continue;
      }
      ReviewPlan plan;
      plan.campaign = Text(p, "campaign", where, true);
      if (!plan.campaign.empty() && !campaigns.insert(plan.campaign).second)
        Fail(where + ".campaign", "活动「" + plan.campaign + "」重复");
      plan.source = Text(p, "source", where, true);
      plan.honourees = Count(p, "honourees", where);
      plan.notice_days = Count(p, "notice_days", where);
      if (!p.contains("criteria") || !p["criteria"].is_array() || p["criteria"].empty()) {
        Fail(where + ".criteria", "应为非空数组");
      } else {
        std::set<std::string> keys;
        for (size_t k = 0; k < p["criteria"].size(); ++k) {
          const std::string cw = where + ".criteria[" + std::to_string(k) + "]";
          Criterion c = ReadCriterion(p["criteria"][k], cw);
          if (!c.key.empty() && !keys.insert(c.key).second)
            Fail(cw + ".key", "评分项「" + c.key + "」重复");
          plan.criteria.push_back(std::move(c));
        }
      }
      plans.push_back(std::move(plan));
    }
    return plans;
  }

  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  std::string source_;
  std::vector<FieldError> errors_;
};

}  // namespace

double ReviewPlan::MaxTotal() const {
  double total = 0;
  for (const Criterion& c : criteria) total += c.max;
  return total;
}

StatusOr<ReviewPlans> ReviewPlans::Parse(std::string_view json_text, std::string_view source_name) {
  const std::string source(source_name);
  Json doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded())
    return InvalidArgument(source + "：不是有效的 JSON", {{source, "不是有效的 JSON", 0}});
  PlanReader reader(source);
  ReviewPlans plans;
  plans.plans_ = reader.Read(doc);
  if (!reader.errors().empty()) {
    const FieldError& first = reader.errors().front();
    return InvalidArgument(first.field + "：" + first.message, reader.errors());
  }
  return plans;
}

StatusOr<ReviewPlans> ReviewPlans::Load(const std::string& data_dir) {
  const std::string path = data_dir + "/reviews.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("无法读取评审方案「" + path + "」");
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), "reviews.json");
}

const ReviewPlan* ReviewPlans::Find(std::string_view campaign) const {
  for (const ReviewPlan& p : plans_)
    if (p.campaign == campaign) return &p;
  return nullptr;
}

}  // namespace tp::registry
