// How an honour campaign is judged after its units have recommended: the criteria experts score,
// how many honourees it names at most, and how many working days its 公示 lasts
// (data/reviews.json; [002] 三（三）and 四, [003] 二). Read and checked once at start-up: a
// broken file fails it, naming the file and the JSON path of every problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

struct Criterion {
  std::string key;    // lowercase ASCII: what scores are keyed by
  std::string label;  // 业绩突出
  double max = 0;     // points; a score is 0..max in steps of 0.5
  std::string hint;   // what the notice says of it
};

struct ReviewPlan {
  std::string campaign;  // code
  std::string source;
  int honourees = 0;    // at most this many; 0: no limit
  int notice_days = 0;  // working days of the 公示; 0: staff say
  std::vector<Criterion> criteria;

  double MaxTotal() const;
};

class ReviewPlans {
 public:
  // Reads data_dir/reviews.json.
  static StatusOr<ReviewPlans> Load(const std::string& data_dir);
  // Checks a document; `source_name` prefixes every message.
  static StatusOr<ReviewPlans> Parse(std::string_view json_text, std::string_view source_name);

  // The plan of a campaign; nullptr when it has none (it cannot be reviewed).
  const ReviewPlan* Find(std::string_view campaign) const;
  const std::vector<ReviewPlan>& All() const { return plans_; }

 private:
  std::vector<ReviewPlan> plans_;
};

}  // namespace tp::registry
