// What a user types into the search box, through the query builder and then the index. The
// input is the query; its last byte also picks a sort, facets on or off, a page and one filter,
// so the whole request reaches Xapian. Checks: Build fails exactly on queries over 200
// characters; a plan names no empty term, scales by a finite positive factor, and is found again
// in its Describe(); the search of a tiny index (40 demo people) never fails with an internal
// error, answers a page no larger than asked with a total that covers it, and its JSON is valid.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "indexer/analyzer.h"
#include "indexer/pinyin.h"
#include "indexer/query_builder.h"
#include "indexer/search_json.h"
#include "indexer/store_change_source.h"
#include "indexer/text_tables.h"
#include "indexer/unit_abbreviations.h"

namespace {

using tp::indexer::QueryNode;

void CheckNode(const QueryNode& node, std::string_view query, int depth) {
  TP_FUZZ_CHECK(depth < 64, query);
  switch (node.op) {
    case QueryNode::Op::kTerm:
    case QueryNode::Op::kWildcard:
      TP_FUZZ_CHECK(!node.term.empty(), query);
      TP_FUZZ_CHECK(node.children.empty(), query);
      break;
    case QueryNode::Op::kScale:
      // 0: a word that is a filter only, which weighs nothing.
      TP_FUZZ_CHECK(std::isfinite(node.factor) && node.factor >= 0, query);
      TP_FUZZ_CHECK(node.children.size() == 1, query);
      break;
    case QueryNode::Op::kConstant:
      TP_FUZZ_CHECK(std::isfinite(node.factor) && node.factor >= 0, query);
      TP_FUZZ_CHECK(node.children.size() == 1, query);
      break;
    case QueryNode::Op::kBirthRange:
      TP_FUZZ_CHECK(node.term.find(':') != std::string::npos, query);
      TP_FUZZ_CHECK(node.children.empty(), query);
      break;
    case QueryNode::Op::kAnd:
    case QueryNode::Op::kOr:
    case QueryNode::Op::kAndMaybe:
    case QueryNode::Op::kPhrase: TP_FUZZ_CHECK(!node.children.empty(), query); break;
    case QueryNode::Op::kAndNot: TP_FUZZ_CHECK(node.children.size() == 2, query); break;
    case QueryNode::Op::kNothing:
    case QueryNode::Op::kAll: break;
  }
  for (const QueryNode& child : node.children) CheckNode(child, query, depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::indexer;
  static const TextTables* tables = [] {
    auto loaded = TextTables::Default();
    if (!loaded.ok()) tp::fuzz::Fail("text tables load", loaded.status().message());
    return *loaded;
  }();
  static const Analyzer analyzer(*tables);
  static const Pinyin pinyin(*tables);
  static const UnitAbbreviations* abbreviations = [] {
    auto loaded = UnitAbbreviations::Default();
    if (!loaded.ok()) tp::fuzz::Fail("unit abbreviations load", loaded.status().message());
    return *loaded;
  }();
  static const QueryBuilder builder(analyzer, pinyin, nullptr, abbreviations);
  tp::fuzz::SharedRegistry& shared = tp::fuzz::Registry();
  static const IdResolver resolve_id = StoreIdResolver(*shared.store);

  std::string_view query(reinterpret_cast<const char*>(data), size);
  auto plan = builder.Build(query, resolve_id);
  // A query of at most 200 bytes has at most 200 characters; one of more than 800 has more
  // than 200 however its bytes are read.
  if (size <= 200) TP_FUZZ_CHECK(plan.ok(), query);
  if (size > 800) TP_FUZZ_CHECK(!plan.ok(), query);
  if (!plan.ok()) {
    TP_FUZZ_CHECK(plan.status().code() == tp::StatusCode::kInvalidArgument,
                  plan.status().message());
  } else {
    CheckNode(plan->query, query, 0);
    if (auto all = plan->WithHomophones()) CheckNode(*all, query, 0);
    const std::string described = plan->query.Describe();
    std::vector<std::string> terms;
    plan->query.CollectTerms(terms);
    for (const std::string& term : terms)
      TP_FUZZ_CHECK(described.find(term) != std::string::npos, term);
  }

  SearchRequest request;
  request.query = std::string(query);
  const uint8_t knobs = size > 0 ? data[size - 1] : 0;
  static constexpr SortOrder kSorts[] = {SortOrder::kRelevance, SortOrder::kAdmissionYearDesc,
                                         SortOrder::kAdmissionYearAsc, SortOrder::kYoungestFirst,
                                         SortOrder::kOldestFirst};
  request.sort = kSorts[knobs % 5];
  request.facets = (knobs & 8) != 0;
  request.page = 1 + ((knobs >> 4) & 1);
  request.size = (knobs & 32) ? 3 : 10;
  if (knobs & 64) request.filters.emplace_back("gender", (knobs & 128) ? "女" : "男");
  if ((knobs & 192) == 128) request.filters.emplace_back("age_band", "36-45岁");
  request.resolve_id = resolve_id;
  request.today = 20250601;

  auto result = shared.index->Search(request);
  if (!result.ok()) {
    TP_FUZZ_CHECK(result.status().code() == tp::StatusCode::kInvalidArgument,
                  result.status().message());
    TP_FUZZ_CHECK(!plan.ok(), result.status().message());  // the request itself is well formed
    return 0;
  }
  TP_FUZZ_CHECK(result->hits.size() <= static_cast<std::size_t>(request.size), query);
  TP_FUZZ_CHECK(result->total >= static_cast<int64_t>(result->hits.size()), query);
  TP_FUZZ_CHECK(result->total <= static_cast<int64_t>(shared.id_numbers.size()), query);
  for (const SearchHit& hit : result->hits) TP_FUZZ_CHECK(!hit.id.empty() && hit.rowid > 0, query);
  const std::string json = SearchResultToJson(*result);
  TP_FUZZ_CHECK(nlohmann::json::accept(json), json);
  return 0;
}
