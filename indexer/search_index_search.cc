#include "indexer/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <cstddef>
#include <ctime>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
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
// Wide searches are matched in slices of the index at once, one thread each, up to kMaxSlices:
// those expected to match at least SearchIndex::kDefaultSliceFrom people, and whose pages
// end within kSliceHits hits (each slice ranks that many of its own). Matching costs about the
// posting lists read, which each slice reads a part of (90后 工程 青年 among a million people:
// 23 ms in one match, 12 and 13 ms in the two halves).
constexpr size_t kMaxSlices = 4;
constexpr int kSliceHits = 1000;
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

// What the matches are restricted to, weighing nothing: the filters, and the documents of
// `among` (a posting source of ids: the allowed ones, a slice of the index) when given.
struct Restriction {
  Xapian::Query filter;
  Xapian::Query among;
  Xapian::docid first = 1, last = 0;  // the ids `among` spans (last 0: to the index's last)
};

// Runs the queries of one search on one reader, each restricted and sorted alike.
class Matcher {
 public:
  // `at_least`: matches counted exactly, beyond what the page needs (among a set: all of them).
  // `sample`: the runs of neighbours a facet count reads (kFacetSample; a slice of the index
  // reads its share).
  Matcher(const Xapian::Database& db, const SearchRequest& request, const Restriction& restriction,
          Xapian::doccount at_least, Xapian::doccount sample = kFacetSample)
      : db_(db),
        request_(request),
        restriction_(restriction),
        at_least_(at_least),
        sample_(sample) {}

  // The page asked for. `recorder`, when given, is shown the matches the match weighs; it sees
  // every match when there are at most its limit.
  Xapian::MSet Run(const QueryNode& node, DocidRecorder* recorder) const {
    return Run(node, recorder, static_cast<Xapian::doccount>((request_.page - 1) * request_.size),
               static_cast<Xapian::doccount>(request_.size));
  }
  // The `count` matches ranked from `first` on (0: the first).
  Xapian::MSet Run(const QueryNode& node, DocidRecorder* recorder, Xapian::doccount first,
                   Xapian::doccount count) const {
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
        std::max({recorder != nullptr ? recorder->limit() : Xapian::doccount{100}, at_least_,
                  first + count});
    return enquire.get_mset(first, count, check);
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
      const Xapian::doccount every = at_least_ > 0 ? 1 : (runs + sample_ - 1) / sample_;
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
    const Xapian::doccount cap = at_least_ > 0 ? at_least_ : 4 * sample_;
    // Xapian's estimate for a match it cut short can be far off (30,000 where 83,000 match), and
    // a sample that holds three times the matches wanted costs three times as much; the ids the
    // recorder saw before the match could cut say better.
    const Xapian::docid last = restriction_.last > 0 ? restriction_.last : db_.get_lastdocid();
    const Xapian::doccount expected = seen.Extrapolated(restriction_.first, last, total);
    // Sparse matches are sampled in longer runs, of about four matches: each run costs a seek in
    // every posting list of the query, whatever it holds (青年 90后 机械, 24,000 matches among a
    // million people: 2,700 runs of 16 ids, 5 ms; 340 runs of 128 ids, 0.8 ms).
    const double density =
        static_cast<double>(expected) / static_cast<double>(last - restriction_.first + 1);
    Xapian::docid run = kSampleRun;
    while (run < 64 * kSampleRun && density * 2 * run <= 4) run *= 2;
    Xapian::doccount every = at_least_ > 0 ? 1 : std::max<Xapian::doccount>(1, expected / sample_);
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
        const double share = SampledShare(restriction_.first, last, every, run);
        return static_cast<Xapian::doccount>(share > 0 ? counted / share + 0.5 : 0);
      };
      if (pass == 2) return scaled();
      if (counted > cap) {
        every *= 8;  // the estimate was far too low
      } else if (every > 1 && counted < sample_ / 4) {
        every = std::max<Xapian::doccount>(1, every * counted / sample_);  // far too high
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
    const Xapian::Query& filter = restriction_.filter;
    const Xapian::Query& among = restriction_.among;
    Xapian::Query query;
    if (node.op != QueryNode::Op::kAll) {
      query = ToXapian(node);
      if (query.empty()) return query;  // it matches nobody, whatever the restriction
    } else if (filter.empty()) {
      // An empty query is answered by the restriction alone, which must then name only documents
      // the index holds: every document, weighing nothing as the filters do, among the ids.
      query = among.empty()
                  ? Xapian::Query::MatchAll
                  : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query::MatchAll, 0);
    }
    for (const Xapian::Query* part : {&filter, &among}) {
      if (part->empty()) continue;
      query = query.empty() ? *part : Xapian::Query(Xapian::Query::OP_FILTER, query, *part);
    }
    return query;
  }

  const Xapian::Database& db_;
  const SearchRequest& request_;
  const Restriction& restriction_;
  const Xapian::doccount at_least_;
  const Xapian::doccount sample_;
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

// What a match answers before its hits are shown: the hits ranked (their ids, weights and sort
// values; their stored fields are read for the page shown only), the number of matches, and the
// facets when asked for.
struct Answer {
  struct Ranked {
    Xapian::docid did = 0;
    double weight = 0;
    std::string sort_key;  // the value sorted by; empty when sorted by relevance
  };
  std::vector<Ranked> hits;
  int64_t total = 0;
  std::vector<std::pair<std::string, std::vector<FacetValue>>> facets;
  bool facets_estimated = false;
};

// The answer of `mset`, the match of `node` ranked by `matcher` with `seen` recording.
Answer AnswerOf(const Matcher& matcher, const Xapian::Database& db, const SearchRequest& request,
                const QueryNode& node, const Xapian::MSet& mset, const DocidRecorder& seen,
                int today) {
  Answer answer;
  answer.total = mset.get_matches_estimated();
  if (request.facets) {
    FacetSpy spy(db, today);
    const Xapian::doccount counted = matcher.Count(node, mset, seen, spy);
    // The match's own count when it is exact (every match seen), else the facets' one.
    if (mset.get_matches_lower_bound() != mset.get_matches_upper_bound()) answer.total = counted;
    answer.facets = spy.Result(answer.total);
    answer.facets_estimated = spy.seen() < answer.total;
  }
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    answer.hits.push_back({*it, it.get_weight(), it.get_sort_key()});
  }
  return answer;
}

// The match of `node` among the documents from `first` to `last`, one of `slices`: the hits of
// every page up to the one asked for, and the slice's count and facets (from its share of the
// runs a facet count reads).
Answer SearchSlice(const Xapian::Database& db, const SearchRequest& request, const QueryNode& node,
                   Xapian::Query filter, Xapian::docid first, Xapian::docid last, size_t slices,
                   int today) {
  const Restriction restriction{std::move(filter),
                                Xapian::Query((new DocidRangeSource(first, last))->release()),
                                first, last};
  const Matcher matcher(db, request, restriction, 0,
                        static_cast<Xapian::doccount>(kFacetSample / slices));
  DocidRecorder recorder(static_cast<Xapian::doccount>(kFacetsInMatch / slices));
  const Xapian::MSet mset = matcher.Run(node, request.facets ? &recorder : nullptr, 0,
                                        static_cast<Xapian::doccount>(request.page * request.size));
  return AnswerOf(matcher, db, request, node, mset, recorder, today);
}

// Adds the answer of another slice to `into`: the hits in the order of `sort` (as Xapian orders
// a match: by the value sorted by, then weight, then ascending id), counts summed.
void MergeSlice(Answer& into, Answer slice, SortOrder sort) {
  const bool descending =
      sort == SortOrder::kAdmissionYearDesc || sort == SortOrder::kYoungestFirst;
  const auto before = [descending](const Answer::Ranked& a, const Answer::Ranked& b) {
    if (a.sort_key != b.sort_key)
      return descending ? a.sort_key > b.sort_key : a.sort_key < b.sort_key;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.did < b.did;
  };
  std::vector<Answer::Ranked> hits;
  hits.reserve(into.hits.size() + slice.hits.size());
  std::merge(std::make_move_iterator(into.hits.begin()), std::make_move_iterator(into.hits.end()),
             std::make_move_iterator(slice.hits.begin()), std::make_move_iterator(slice.hits.end()),
             std::back_inserter(hits), before);
  into.hits = std::move(hits);
  into.total += slice.total;
  into.facets_estimated = into.facets_estimated || slice.facets_estimated;
  for (auto& facet : slice.facets) {
    auto same = std::find_if(into.facets.begin(), into.facets.end(),
                             [&](const auto& other) { return other.first == facet.first; });
    if (same == into.facets.end()) {
      into.facets.push_back(std::move(facet));
      continue;
    }
    for (FacetValue& value : facet.second) {
      auto it = std::find_if(same->second.begin(), same->second.end(),
                             [&](const FacetValue& v) { return v.value == value.value; });
      if (it != same->second.end()) {
        it->count += value.count;
      } else {
        same->second.push_back(std::move(value));
      }
    }
    SortFacetValues(same->second);
  }
}

// How many slices to match `node` in: one, unless it weighs its matches and is expected to match
// at least `from` people (0: never), the pages asked for end within kSliceHits hits and the
// machine has cores to spare.
size_t Slices(const Xapian::Database& db, const SearchRequest& request, const QueryNode& node,
              int64_t from) {
  const size_t cores = std::min<size_t>(kMaxSlices, std::thread::hardware_concurrency());
  const double everybody = db.get_doccount();
  // A registry of fewer people than `from` needs no estimate: no search of it is sliced.
  if (from <= 0 || cores < 2 || request.page * request.size > kSliceHits ||
      everybody < static_cast<double>(from) || !Weighs(node)) {
    return 1;
  }
  return ExpectedShare(db, node) * everybody >= static_cast<double>(from) ? cores : 1;
}

// The answer of a match in `count` slices of the ids up to `last`, matched at once: the first on
// this thread, each other one on a thread of its own. `search(first, last, own_reader)` answers
// the slice from `first` to `last`, on the caller's reader or (`own_reader`) on another one. The
// hits are those of the page `request` asks for.
template <typename SearchOne>
Answer InSlices(Xapian::docid last, size_t count, const SearchRequest& request,
                const SearchOne& search) {
  const auto end = [&](size_t i) {
    return static_cast<Xapian::docid>(uint64_t{last} * (i + 1) / count);
  };
  std::vector<std::future<Answer>> others;
  for (size_t i = 1; i < count; ++i) {
    const auto slice = [&, i] { return search(end(i - 1) + 1, end(i), true); };
    try {
      others.push_back(std::async(std::launch::async, slice));
    } catch (const std::system_error&) {
      others.push_back(std::async(std::launch::deferred, slice));  // no thread to be had
    }
  }
  Answer answer = search(1, end(0), false);
  for (std::future<Answer>& other : others) MergeSlice(answer, other.get(), request.sort);
  const auto skip =
      std::min(answer.hits.size(), static_cast<size_t>((request.page - 1) * request.size));
  answer.hits.erase(answer.hits.begin(), answer.hits.begin() + static_cast<ptrdiff_t>(skip));
  if (answer.hits.size() > static_cast<size_t>(request.size)) answer.hits.resize(request.size);
  return answer;
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

std::unique_ptr<SearchIndex::Impl::Reader> SearchIndex::Impl::Acquire(
    std::string generation) const {
  if (generation.empty()) generation = ReadCurrent(dir_);
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
  const Restriction restriction{
      filter,
      allowed ? Xapian::Query((new DocidSource(std::move(allowed)))->release()) : Xapian::Query()};

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
    std::vector<bool> by_homophones(plan->parts.size(), false);
    std::vector<bool> kept(plan->parts.size(), true);
    std::optional<Answer> answer;
    size_t slices = at_least > 0 ? 1 : Slices(reader->db, request, plan->query, slice_from_.load());
    if (slices > 1) {
      answer = InSlices(reader->db.get_lastdocid(), slices, request,
                        [&](Xapian::docid first, Xapian::docid last, bool own_reader) {
                          if (!own_reader) {
                            return SearchSlice(reader->db, request, plan->query, filter, first,
                                               last, slices, today);
                          }
                          // Xapian's objects are not shared between threads: a reader of the
                          // same generation, and the filters built again (checked above).
                          std::unique_ptr<Reader> own = Acquire(reader->generation);
                          Answer slice = SearchSlice(own->db, request, plan->query,
                                                     FilterQuery(request, today).value(), first,
                                                     last, slices, today);
                          Release(std::move(own));
                          return slice;
                        });
      // Almost nobody after all: the one match below, which may add homophones or leave out words.
      if (answer->total < kFallbackBelow) {
        answer.reset();
        slices = 1;
      }
    }
    if (!answer) {
      const Matcher matcher(reader->db, request, restriction, at_least);
      const QueryNode* searched = &plan->query;
      DocidRecorder recorder(std::max(kFacetsInMatch, at_least));
      DocidRecorder* const record = request.facets ? &recorder : nullptr;
      Xapian::MSet mset = matcher.Run(plan->query, record);
      std::optional<QueryNode> with_homophones;
      if (mset.get_matches_estimated() < kFallbackBelow)
        with_homophones = Homophones(reader->db, *plan, by_homophones);
      if (with_homophones) {
        mset = matcher.Run(*with_homophones, record);
        result.homophones = true;
        searched = &*with_homophones;
      }
      // No dead ends: a query that finds nobody leaves out the words that find nobody.
      std::optional<QueryNode> relaxed;
      if (mset.get_matches_estimated() == 0 && plan->query.op != QueryNode::Op::kAll) {
        relaxed = Relax(matcher, *plan, kept, result);
        if (relaxed) {
          mset = matcher.Run(*relaxed, record);
          searched = &*relaxed;
        }
      }
      answer = AnswerOf(matcher, reader->db, request, *searched, mset, recorder, today);
    }
    for (size_t i = 0; i < plan->parts.size(); ++i) {
      if (kept[i] && plan->understood[i]) result.understood.push_back(*plan->understood[i]);
    }
    result.total = answer->total;
    result.slices = static_cast<int>(slices);
    result.facets = std::move(answer->facets);
    result.facets_estimated = answer->facets_estimated;
    for (const Answer::Ranked& ranked : answer->hits) {
      StoredFields stored;
      std::string data;
      try {
        data = reader->db.get_document(ranked.did).get_data();
      } catch (const Xapian::DocNotFoundError&) {
        continue;  // a slice's reader saw a commit this one has not: a person added since
      }
      if (!stored.Decode(data)) continue;
      SearchHit hit = HitOf(stored);
      hit.rowid = ranked.did;
      hit.score = ranked.weight;
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
