#include "indexer/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/internal/search_index_impl.h"
#include "indexer/schema.h"

namespace tp::indexer {
namespace {

constexpr Xapian::doccount kFallbackBelow = 5;  // fewer matches than this: add homophones
constexpr int kMaxPage = 1000;
constexpr Xapian::termcount kWildcardTerms = 200;
constexpr Xapian::doccount kFacetSample = 5000;
// BM25 without length normalisation (b = 0). A record is a person, not a page of free length:
// a longer record is somebody with more achievements and posts, and a word it repeats is no
// sign of padding. Normalising would also read each match's length from the index, which on
// a large pool costs more than the rest of a name search (王芳 among 1,000,000 people: 0.80 ms
// with b = 0.3, 0.16 ms without).
Xapian::BM25Weight RecordWeight() { return Xapian::BM25Weight(1.2, 0, 1, 0, 0.5); }

int Today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return (local.tm_year + 1900) * 10000 + (local.tm_mon + 1) * 100 + local.tm_mday;
}

// Counts facet values of every match: one slot holds them all (schema.h).
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(int today) : today_(today) {}

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    const std::string facets = doc.get_value(kSlotFacets);
    size_t at = 0;
    while (at < facets.size()) {
      const auto index = static_cast<unsigned char>(facets[at]);
      const size_t end = facets.find('\x1f', at + 1);
      if (end == std::string::npos) break;
      const std::string_view value = std::string_view(facets).substr(at + 1, end - at - 1);
      if (index < counts_.size()) {
        Count(index, value);
      } else if (index == static_cast<unsigned char>(kFacetBirthDate)) {
        int birth = 0;
        std::from_chars(value.data(), value.data() + value.size(), birth);
        const std::string_view band = AgeBand(birth, today_);
        if (!band.empty()) Count(kAgeIndex, band);
      }
      at = end + 1;
    }
  }
  std::string name() const override { return "tp.FacetSpy"; }
  int64_t seen() const { return seen_; }

  // Counts over the matches seen; when the spy saw only a part of `matches`, scaled up to them.
  std::vector<std::pair<std::string, std::vector<FacetValue>>> Result(int64_t matches) const {
    const double scale = seen_ > 0 && matches > seen_ ? static_cast<double>(matches) / static_cast<double>(seen_) : 1.0;
    std::vector<std::pair<std::string, std::vector<FacetValue>>> out;
    for (size_t i = 0; i < counts_.size(); ++i) {
      std::vector<FacetValue> values;
      for (const auto& [value, count] : counts_[i]) {
        values.push_back({value, static_cast<int64_t>(static_cast<double>(count) * scale + 0.5)});
      }
      std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
      });
      out.emplace_back(std::string(kFilterNames[i]), std::move(values));
    }
    return out;
  }

 private:
  static constexpr size_t kAgeIndex =
      static_cast<size_t>(std::find(std::begin(kFilterNames), std::end(kFilterNames), "age_band") -
                          std::begin(kFilterNames));
  // Looked up by the bytes of the value, without a string made for each value of each match.
  struct ValueHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>()(v); }
  };
  void Count(size_t index, std::string_view value) {
    auto& counts = counts_[index];
    const auto it = counts.find(value);
    if (it != counts.end()) {
      ++it->second;
    } else {
      counts.emplace(std::string(value), 1);
    }
  }

  int today_;
  int64_t seen_ = 0;
  std::array<std::unordered_map<std::string, int64_t, ValueHash, std::equal_to<>>, std::size(kFilterNames)> counts_;
};

Xapian::Query ToXapian(const QueryNode& node) {
  using Op = QueryNode::Op;
  switch (node.op) {
    case Op::kNothing:
      return Xapian::Query();
    case Op::kAll:
      return Xapian::Query::MatchAll;
    case Op::kTerm:
      return Xapian::Query(node.term);
    case Op::kWildcard:
      // One character in a text: the pairs it begins. The most frequent ones are enough to rank.
      return Xapian::Query(Xapian::Query::OP_WILDCARD, node.term, kWildcardTerms,
                           Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    case Op::kScale:
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ToXapian(node.children.at(0)), node.factor);
    default:
      break;
  }
  std::vector<Xapian::Query> children;
  children.reserve(node.children.size());
  for (const QueryNode& c : node.children) children.push_back(ToXapian(c));
  Xapian::Query::op op = Xapian::Query::OP_AND;
  switch (node.op) {
    case Op::kOr: op = Xapian::Query::OP_OR; break;
    case Op::kAndMaybe: op = Xapian::Query::OP_AND_MAYBE; break;
    case Op::kPhrase:
      return Xapian::Query(Xapian::Query::OP_PHRASE, children.begin(), children.end(),
                           static_cast<Xapian::termcount>(children.size()));
    default: break;
  }
  return Xapian::Query(op, children.begin(), children.end());
}

}  // namespace

std::unique_ptr<SearchIndex::Impl::Reader> SearchIndex::Impl::Acquire() const {
  const std::string generation = ReadCurrent(dir_);
  std::unique_ptr<Reader> reader;
  {
    std::lock_guard lock(pool_mutex_);
    while (!pool_.empty()) {
      std::unique_ptr<Reader> candidate = std::move(pool_.back());
      pool_.pop_back();
      if (candidate->generation == generation) {
        reader = std::move(candidate);
        break;
      }
    }
  }
  if (reader) {
    reader->db.reopen();  // cheap when nothing was committed since
  } else {
    reader = std::make_unique<Reader>(Reader{generation, Xapian::Database((dir_ / generation).string())});
  }
  return reader;
}

void SearchIndex::Impl::Release(std::unique_ptr<Reader> reader) const {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < 16) pool_.push_back(std::move(reader));
}

StatusOr<Xapian::Query> SearchIndex::Impl::FilterQuery(const SearchRequest& request, int today) const {
  std::map<std::string, std::vector<Xapian::Query>> by_name;
  for (const auto& [name, value] : request.filters) {
    if (!IsFilterName(name)) {
      return InvalidArgument("字段「筛选条件」：不支持「" + name + "」",
                             {{"筛选条件", "不支持「" + name + "」"}});
    }
    if (name == "age_band") {
      const auto band = std::find(std::begin(kAgeBands), std::end(kAgeBands), value);
      if (band == std::end(kAgeBands)) {
        return InvalidArgument("字段「年龄段」：应为 35岁及以下、36-45岁、46-55岁 或 56岁及以上",
                               {{"年龄段", "应为 35岁及以下、36-45岁、46-55岁 或 56岁及以上"}});
      }
      // Age a <= A  <=>  birth > today - (A+1) years, on YYYYMMDD numbers.
      static constexpr int kUpper[] = {35, 45, 55, 200};
      const auto i = static_cast<size_t>(band - std::begin(kAgeBands));
      const int lowest = today - (kUpper[i] + 1) * 10000 + 1;
      const int highest = i == 0 ? today : today - (kUpper[i - 1] + 1) * 10000;
      by_name[name].emplace_back(Xapian::Query::OP_VALUE_RANGE, kSlotBirthDate,
                                 Xapian::sortable_serialise(lowest), Xapian::sortable_serialise(highest));
      continue;
    }
    by_name[name].emplace_back(std::string(kFilterPrefix) + name + ":" + value);
  }
  std::vector<Xapian::Query> all;
  for (auto& [name, alternatives] : by_name) {
    all.emplace_back(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
  }
  if (all.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
}

StatusOr<SearchResult> SearchIndex::Impl::Search(const SearchRequest& request) const {
  if (request.page < 1 || request.page > kMaxPage) {
    return InvalidArgument("字段「页码」：应为 1 到 " + std::to_string(kMaxPage) + " 之间的整数",
                           {{"页码", "应为 1 到 " + std::to_string(kMaxPage) + " 之间的整数"}});
  }
  if (request.size < 1 || request.size > 100) {
    return InvalidArgument("字段「每页条数」：应为 1 到 100 之间的整数", {{"每页条数", "应为 1 到 100 之间的整数"}});
  }
  const int today = request.today > 0 ? request.today : Today();
  auto filter = FilterQuery(request, today);
  if (!filter.ok()) return filter.status();

  std::unique_ptr<Reader> reader;
  try {
    reader = Acquire();
    auto plan = queries_.Build(request.query, request.resolve_id, [&](std::string_view term) {
      return reader->db.term_exists(std::string(term));
    });
    if (!plan.ok()) {
      Release(std::move(reader));
      return plan.status();
    }
    SearchResult result;
    result.page = request.page;
    result.size = request.size;
    const auto run = [&](const QueryNode& node, FacetSpy* spy) {
      Xapian::Query query = ToXapian(node);
      if (!filter->empty()) {
        query = node.op == QueryNode::Op::kAll ? *filter
                                               : Xapian::Query(Xapian::Query::OP_FILTER, query, *filter);
      }
      Xapian::Enquire enquire(reader->db);
      enquire.set_query(query);
      enquire.set_weighting_scheme(RecordWeight());
      switch (request.sort) {
        case SortOrder::kRelevance: break;
        case SortOrder::kAdmissionYearDesc:
          enquire.set_sort_by_value_then_relevance(kSlotAdmissionYear, true);
          break;
        case SortOrder::kAdmissionYearAsc:
          enquire.set_sort_by_value_then_relevance(kSlotAdmissionYear, false);
          break;
        case SortOrder::kYoungestFirst:
          enquire.set_sort_by_value_then_relevance(kSlotBirthDate, true);
          break;
        case SortOrder::kOldestFirst:
          enquire.set_sort_by_value_then_relevance(kSlotBirthDate, false);
          break;
      }
      if (spy != nullptr) enquire.add_matchspy(spy);
      // Facets count every match up to kFacetSample, and a sample scaled up beyond it: a query
      // matching most of a large pool stays fast.
      const Xapian::doccount check = spy != nullptr ? kFacetSample : 100;
      return enquire.get_mset(static_cast<Xapian::doccount>((request.page - 1) * request.size),
                              static_cast<Xapian::doccount>(request.size), check);
    };
    FacetSpy spy(today);
    Xapian::MSet mset = run(plan->query, request.facets ? &spy : nullptr);
    // Asked only when the query finds almost nobody: each lookup reads the index.
    const auto someone_has_the_name = [&] {
      return std::any_of(plan->exact_name_terms.begin(), plan->exact_name_terms.end(),
                         [&](const std::string& term) { return reader->db.term_exists(term); });
    };
    std::optional<QueryNode> with_homophones;
    if (mset.get_matches_estimated() < kFallbackBelow && !someone_has_the_name()) {
      // Homophones only for the words that find (almost) nobody by themselves: a word that
      // finds many people alone was typed right, whatever the others find. Xapian's estimate
      // from the terms' frequencies says so without running the word's query.
      std::vector<bool> use(plan->parts.size(), true);
      if (plan->parts.size() > 1) {
        for (size_t i = 0; i < plan->parts.size(); ++i) {
          if (!plan->homophones[i]) continue;
          Xapian::Enquire alone(reader->db);
          alone.set_query(ToXapian(plan->parts[i]));
          use[i] = alone.get_mset(0, 0).get_matches_estimated() < kFallbackBelow;
        }
      }
      with_homophones = plan->WithHomophones(use);
    }
    if (with_homophones) {
      FacetSpy fallback_spy(today);
      mset = run(*with_homophones, request.facets ? &fallback_spy : nullptr);
      result.homophones = true;
      if (request.facets) {
        result.facets = fallback_spy.Result(mset.get_matches_estimated());
        result.facets_estimated = fallback_spy.seen() < static_cast<int64_t>(mset.get_matches_estimated());
      }
    } else if (request.facets) {
      result.facets = spy.Result(mset.get_matches_estimated());
      result.facets_estimated = spy.seen() < static_cast<int64_t>(mset.get_matches_estimated());
    }
    result.total = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const Xapian::Document doc = it.get_document();
      StoredFields stored;
      if (!stored.Decode(doc.get_data())) continue;
      SearchHit hit;
      hit.rowid = *it;
      hit.id = std::move(stored.public_id);
      hit.name = stored.name;
      hit.unit = stored.unit;
      hit.post = stored.post;
      hit.title = stored.title;
      hit.gender = stored.gender;
      hit.birth_date = stored.birth_date;
      hit.ethnic_group = stored.ethnic_group;
      hit.province = stored.province;
      hit.unit_type = stored.unit_type;
      hit.tier = stored.tier;
      hit.recommending_unit = stored.recommending_unit;
      hit.admission_year = stored.admission_year;
      hit.trained = stored.trained;
      hit.score = it.get_weight();
      hit.highlights = highlighter_.Highlight(stored, plan->highlights);
      result.hits.push_back(std::move(hit));
    }
    Release(std::move(reader));
    return result;
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
}

}  // namespace tp::indexer
