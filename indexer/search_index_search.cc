#include "indexer/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <cstddef>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/did_you_mean.h"
#include "indexer/internal/match_parts.h"
#include "indexer/internal/search_index_impl.h"
#include "indexer/internal/xapian_query.h"
#include "indexer/schema.h"

namespace tp::indexer {
namespace {

constexpr Xapian::doccount kFallbackBelow = 5;  // fewer matches than this: add homophones
constexpr int kMaxPage = 1000;
// Facets. The match that ranks the page records the ids of the matches it sees; it sees them all
// when there are at most kFacetsInMatch (weighing that many before it may pass any over costs
// less than matching again). Beyond, a match of their own counts them in a sample of the index.
// What costs is reading a match's values: 1 to 5 µs among a million people, where matches lie
// far apart, and little more for the neighbours of one in the same run of kSampleRun ids, whose
// values share its blocks. So the matches are counted whole when they lie in at most about
// kFacetSample runs (always in a registry of up to 10,000 people), else in a sample of about
// kFacetSample runs spread over the index; a value held by half of the matches is then counted
// within about 3% of them (two standard errors).
constexpr Xapian::doccount kFacetsInMatch = 10000;
constexpr Xapian::doccount kFacetSample = 1000;
// BM25 without length normalisation (b = 0). A record is a person, not a page of free length:
// a longer record is somebody with more achievements and posts, and a word it repeats is no
// sign of padding. Normalising would also read each match's length from the index, which on
// a large pool costs more than the rest of a name search (王芳 among 1,000,000 people: 0.80 ms
// with b = 0.3, 0.16 ms without).
Xapian::BM25Weight RecordWeight() { return Xapian::BM25Weight(1.2, 0, 1, 0, 0.5); }

// Ages are counted on Beijing's calendar day (registry/fields/dates.h).
int Today() {
  const std::time_t beijing = std::time(nullptr) + 8 * 3600;
  std::tm day{};
  gmtime_r(&beijing, &day);
  return (day.tm_year + 1900) * 10000 + (day.tm_mon + 1) * 100 + day.tm_mday;
}

// What the matches are restricted to, weighing nothing: the filters, and the allowed documents
// when given.
Xapian::Query Restriction(Xapian::Query filter,
                          std::shared_ptr<const std::vector<Xapian::docid>> allowed) {
  if (!allowed) return filter;
  // An empty query is answered by the restriction alone, which must then name only documents
  // the index holds: every document, weighing nothing as the filters do, among the allowed.
  Xapian::Query base =
      !filter.empty() ? std::move(filter)
                      : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query::MatchAll, 0);
  return Xapian::Query(Xapian::Query::OP_FILTER, base,
                       Xapian::Query((new DocidSource(std::move(allowed)))->release()));
}

// Runs the queries of one search on one reader, each restricted and sorted alike.
class Matcher {
 public:
  // `at_least`: matches counted exactly, beyond what the page needs (among a set: all of them).
  Matcher(const Xapian::Database& db, const SearchRequest& request,
          const Xapian::Query& restriction, Xapian::doccount at_least)
      : db_(db), request_(request), restriction_(restriction), at_least_(at_least) {}

  // The page asked for. `recorder`, when given, is shown the matches the match weighs; it sees
  // every match when there are at most its limit.
  Xapian::MSet Run(const QueryNode& node, DocidRecorder* recorder) const {
    Xapian::Enquire enquire(db_);
    enquire.set_query(Restricted(node));
    enquire.set_weighting_scheme(RecordWeight());
    switch (request_.sort) {
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
    if (recorder != nullptr) {
      recorder->Reset();
      enquire.add_matchspy(recorder);
    }
    // Until `check` matches are seen none is passed over, so a recorder sees them all.
    const Xapian::doccount check =
        std::max(recorder != nullptr ? recorder->limit() : Xapian::doccount{100}, at_least_);
    return enquire.get_mset(static_cast<Xapian::doccount>((request_.page - 1) * request_.size),
                            static_cast<Xapian::doccount>(request_.size), check);
  }

  // Counts the facets of the matches of `node` into `spy`. When the match that ranked them
  // (`ranked`, its recorder `seen`) saw every one, from the ids it recorded: all of them when they
  // lie in at most kFacetSample runs of neighbours, else the runs of a sample (InSample). When it
  // did not, in a match of their own, weighing and sorting nothing, over a sample of the index
  // (SampleSource) that holds about kFacetSample matches. FacetSpy::Result scales a sample up.
  // Returns the number of matches: exact when every one was counted, else estimated from the
  // sample. (A spy in the weighted match sees every match weighing as much as the page's last:
  // all of them for 男 or 汉族, whose matches weigh alike. Nor Enquire::set_time_limit: with
  // Xapian 1.4.22 it made the benchmark crash inside get_mset within a few hundred searches.)
  Xapian::doccount Count(const QueryNode& node, const Xapian::MSet& ranked,
                         const DocidRecorder& seen, FacetSpy& spy) const {
    spy.Reset();
    const Xapian::doccount total = ranked.get_matches_estimated();
    if (ranked.get_matches_lower_bound() == ranked.get_matches_upper_bound() &&
        seen.seen() == total && seen.seen() <= seen.limit()) {
      const std::vector<Xapian::docid> ids = seen.Sorted();
      Xapian::doccount runs = 0;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (i == 0 || ids[i] / kSampleRun != ids[i - 1] / kSampleRun) ++runs;
      }
      const Xapian::doccount every = at_least_ > 0 ? 1 : (runs + kFacetSample - 1) / kFacetSample;
      Xapian::doccount counted = 0;
      for (const Xapian::docid did : ids) {
        if (every == 1 || InSample(did, every)) {
          spy.Add(did);
          ++counted;
        }
      }
      // Done, unless the sample of the ids held none: the match below counts them then. Nobody
      // matching needs no second match.
      if (counted > 0 || total == 0) return total;
    }
    const Xapian::Query query = Restricted(Unweighted(node));
    const Xapian::doccount cap = at_least_ > 0 ? at_least_ : 4 * kFacetSample;
    // Xapian's estimate for a match it cut short can be far off (30,000 where 83,000 match), and
    // a sample that holds three times the matches wanted costs three times as much; the ids the
    // recorder saw before the match could cut say better.
    const Xapian::docid first = 1, last = db_.get_lastdocid();
    const Xapian::doccount expected = seen.Extrapolated(first, last, total);
    // Sparse matches are sampled in longer runs, of about four matches: each run costs a seek in
    // every posting list of the query, whatever it holds (青年 90后 机械, 24,000 matches among a
    // million people: 2,700 runs of 16 ids, 5 ms; 340 runs of 128 ids, 0.8 ms).
    const double density = static_cast<double>(expected) / static_cast<double>(last - first + 1);
    Xapian::docid run = kSampleRun;
    while (run < 64 * kSampleRun && density * 2 * run <= 4) run *= 2;
    Xapian::doccount every =
        at_least_ > 0 ? 1 : std::max<Xapian::doccount>(1, expected / kFacetSample);
    for (int pass = 0;; ++pass) {
      spy.Reset();
      Xapian::Enquire enquire(db_);
      enquire.set_query(
          every == 1 ? query
                     : Xapian::Query(Xapian::Query::OP_FILTER, query,
                                     Xapian::Query((new SampleSource(every, run))->release())));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      enquire.add_matchspy(&spy);
      // Weighing nothing, the match ends once `cap + 1` documents were seen.
      enquire.get_mset(0, 0, cap + 1);
      const auto counted = static_cast<Xapian::doccount>(spy.seen());
      // Scaled by the share of the runs the sample took, which the hash makes vary about 1 / every
      // (by a tenth for a hundred runs).
      const auto scaled = [&] {
        const double share = SampledShare(first, last, every, run);
        return static_cast<Xapian::doccount>(share > 0 ? counted / share + 0.5 : 0);
      };
      if (pass == 2) return scaled();
      if (counted > cap) {
        every *= 8;  // the estimate was far too low
      } else if (every > 1 && counted < kFacetSample / 4) {
        every = std::max<Xapian::doccount>(1, every * counted / kFacetSample);  // far too high
      } else {
        return scaled();
      }
    }
  }

  // Whether anybody matches `node` (with the same restriction), weighing nothing.
  bool Any(const QueryNode& node) const {
    if (node.op == QueryNode::Op::kNothing) return false;
    Xapian::Enquire enquire(db_);
    enquire.set_query(Restricted(node));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, 1).size() > 0;
  }

 private:
  Xapian::Query Restricted(const QueryNode& node) const {
    if (restriction_.empty()) return ToXapian(node);
    if (node.op == QueryNode::Op::kAll) return restriction_;
    return Xapian::Query(Xapian::Query::OP_FILTER, ToXapian(node), restriction_);
  }

  const Xapian::Database& db_;
  const SearchRequest& request_;
  const Xapian::Query& restriction_;
  const Xapian::doccount at_least_;
};

// The plan with homophones, for a query that found almost nobody; none when somebody has the
// typed name (each lookup reads the index, so it is asked only then).
// `used` gets the parts searched by their homophones.
std::optional<QueryNode> Homophones(const Xapian::Database& db, const QueryPlan& plan,
                                    std::vector<bool>& used) {
  if (std::any_of(plan.exact_name_terms.begin(), plan.exact_name_terms.end(),
                  [&](const std::string& term) { return db.term_exists(term); })) {
    return std::nullopt;
  }
  // Homophones only for the words that find (almost) nobody by themselves: a word that finds
  // many people alone was typed right, whatever the others find. Xapian's estimate from the
  // terms' frequencies says so without running the word's query.
  std::vector<bool> use(plan.parts.size(), true);
  if (plan.parts.size() > 1) {
    for (size_t i = 0; i < plan.parts.size(); ++i) {
      if (!plan.homophones[i]) continue;
      Xapian::Enquire alone(db);
      alone.set_query(ToXapian(plan.parts[i]));
      use[i] = alone.get_mset(0, 0).get_matches_estimated() < kFallbackBelow;
    }
  }
  for (size_t i = 0; i < plan.parts.size(); ++i) used[i] = use[i] && plan.homophones[i];
  return plan.WithHomophones(use);
}

// Weighs every match of a word in a loose query, so that the number of words a person matches
// ranks first and relevance second.
constexpr double kWLooseWord = 1000;

// For a query that found nobody: the words that find nobody by themselves (with homophones when a
// word has them, within the restriction) go to `result.unmatched` and `kept` marks the others.
// Returns the AND of the words kept when it finds somebody; else, when two or more are kept, their
// OR ranked by how many of them each person matches (`result.loose`); else nullopt.
std::optional<QueryNode> Relax(const Matcher& matcher, const QueryPlan& plan,
                               std::vector<bool>& kept, SearchResult& result) {
  std::vector<QueryNode> alive;
  for (size_t i = 0; i < plan.parts.size(); ++i) {
    const QueryNode& node = plan.homophones[i] ? *plan.homophones[i] : plan.parts[i];
    kept[i] = matcher.Any(node);
    if (kept[i]) {
      alive.push_back(node);
    } else {
      result.unmatched.push_back(plan.words[i]);
    }
  }
  if (alive.empty()) return std::nullopt;
  if (alive.size() < plan.parts.size()) {
    QueryNode all = QueryNode::Of(QueryNode::Op::kAnd, alive);
    if (matcher.Any(all)) return all;
  }
  if (alive.size() < 2) return std::nullopt;
  result.loose = true;
  QueryNode everybody;
  everybody.op = QueryNode::Op::kAll;
  std::vector<QueryNode> any;
  for (QueryNode& node : alive) {
    any.push_back(QueryNode::Of(QueryNode::Op::kAnd,
                                {std::move(node), QueryNode::Constant(everybody, kWLooseWord)}));
  }
  return QueryNode::Of(QueryNode::Op::kOr, std::move(any));
}

// A hit's fields from the stored ones; its rowid, score and highlights are the caller's.
SearchHit HitOf(StoredFields& stored) {
  SearchHit hit;
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
  return hit;
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
    reader = std::make_unique<Reader>(
        Reader{generation, Xapian::Database((dir_ / generation).string())});
  }
  return reader;
}

void SearchIndex::Impl::Release(std::unique_ptr<Reader> reader) const {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < 16) pool_.push_back(std::move(reader));
}

namespace {

// A filter whose values have a form of their own: a year of four digits, a yes or a no. A value
// of another form would match nothing and look like an empty registry, so it is refused, named.
Status CheckFilterValue(const std::string& name, const std::string& value) {
  const auto refuse = [](const std::string& label, const std::string& message) {
    return InvalidArgument("字段「" + label + "」：" + message, {{label, message}});
  };
  const bool four_digits = value.size() == 4 && std::all_of(value.begin(), value.end(), [](char c) {
                             return c >= '0' && c <= '9';
                           });
  if (name == "year" && !four_digits) return refuse("入库年度", "应为四位数字的年份，如 2024");
  if (name == "trained_year" && !four_digits) {
    return refuse("培训年度", "应为四位数字的年份，如 2024");
  }
  if (name == "trained" && value != "yes" && value != "no") {
    return refuse("是否参加过培训", "应为 yes 或 no");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Xapian::Query> SearchIndex::Impl::FilterQuery(const SearchRequest& request,
                                                       int today) const {
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
      by_name[name].push_back(BornBetween(lowest, highest));
      continue;
    }
    TP_RETURN_IF_ERROR(CheckFilterValue(name, value));
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
  return Run(request, nullptr);
}

StatusOr<SearchResult> SearchIndex::Impl::SearchAmong(const SearchRequest& request,
                                                      std::span<const int64_t> allowed) const {
  auto docids = std::make_shared<std::vector<Xapian::docid>>();
  docids->reserve(allowed.size());
  for (const int64_t rowid : allowed) {
    // Document ids are rowids: one out of their range is nobody in the index.
    if (RowidInRange(rowid).ok()) docids->push_back(static_cast<Xapian::docid>(rowid));
  }
  std::sort(docids->begin(), docids->end());
  docids->erase(std::unique(docids->begin(), docids->end()), docids->end());
  return Run(request, std::move(docids));
}

StatusOr<SearchResult> SearchIndex::Impl::Run(
    const SearchRequest& request, std::shared_ptr<const std::vector<Xapian::docid>> allowed) const {
  if (request.page < 1 || request.page > kMaxPage) {
    return InvalidArgument("字段「页码」：应为 1 到 " + std::to_string(kMaxPage) + " 之间的整数",
                           {{"页码", "应为 1 到 " + std::to_string(kMaxPage) + " 之间的整数"}});
  }
  if (request.size < 1 || request.size > 100) {
    return InvalidArgument("字段「每页条数」：应为 1 到 100 之间的整数",
                           {{"每页条数", "应为 1 到 100 之间的整数"}});
  }
  const int today = request.today > 0 ? request.today : Today();
  TP_ASSIGN_OR_RETURN(auto filter, FilterQuery(request, today));
  // Among a set, every match is counted: the set bounds them, and totals and facets are exact.
  const auto at_least = static_cast<Xapian::doccount>(allowed ? allowed->size() : 0);
  const Xapian::Query restriction = Restriction(filter, std::move(allowed));

  std::unique_ptr<Reader> reader;
  try {
    reader = Acquire();
    QueryContext context;
    context.today = today;
    context.withheld = request.withheld_filters;
    context.resolve_phone = request.resolve_phone;
    auto plan = queries_.Build(
        request.query, request.resolve_id,
        [&](std::string_view term) { return reader->db.term_exists(std::string(term)); }, context);
    if (!plan.ok()) {
      Release(std::move(reader));
      return plan.status();
    }
    SearchResult result;
    result.page = request.page;
    result.size = request.size;
    const Matcher matcher(reader->db, request, restriction, at_least);
    const QueryNode* searched = &plan->query;
    DocidRecorder recorder(std::max(kFacetsInMatch, at_least));
    DocidRecorder* const record = request.facets ? &recorder : nullptr;
    Xapian::MSet mset = matcher.Run(plan->query, record);
    std::optional<QueryNode> with_homophones;
    std::vector<bool> by_homophones(plan->parts.size(), false);
    if (mset.get_matches_estimated() < kFallbackBelow)
      with_homophones = Homophones(reader->db, *plan, by_homophones);
    if (with_homophones) {
      mset = matcher.Run(*with_homophones, record);
      result.homophones = true;
      searched = &*with_homophones;
    }
    // No dead ends: a query that finds nobody leaves out the words that find nobody.
    std::vector<bool> kept(plan->parts.size(), true);
    std::optional<QueryNode> relaxed;
    if (mset.get_matches_estimated() == 0 && plan->query.op != QueryNode::Op::kAll) {
      relaxed = Relax(matcher, *plan, kept, result);
      if (relaxed) {
        mset = matcher.Run(*relaxed, record);
        searched = &*relaxed;
      }
    }
    for (size_t i = 0; i < plan->parts.size(); ++i) {
      if (kept[i] && plan->understood[i]) result.understood.push_back(*plan->understood[i]);
    }
    result.total = mset.get_matches_estimated();
    if (request.facets) {
      FacetSpy spy(reader->db, today);
      const Xapian::doccount counted = matcher.Count(*searched, mset, recorder, spy);
      // The match's own count when it is exact (every match seen), else the facets' one.
      if (mset.get_matches_lower_bound() != mset.get_matches_upper_bound()) result.total = counted;
      result.facets = spy.Result(result.total);
      result.facets_estimated = spy.seen() < result.total;
    }
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const Xapian::Document doc = it.get_document();
      StoredFields stored;
      if (!stored.Decode(doc.get_data())) continue;
      SearchHit hit = HitOf(stored);
      hit.rowid = *it;
      hit.score = it.get_weight();
      hit.highlights = highlighter_.Highlight(stored, plan->highlights);
      result.hits.push_back(std::move(hit));
    }
    result.did_you_mean = DidYouMean(*plan, by_homophones, kept, result);
    Release(std::move(reader));
    return result;
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
}

}  // namespace tp::indexer
