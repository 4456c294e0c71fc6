#include "indexer/internal/match_parts.h"

#include <charconv>

#include "indexer/document_builder.h"

namespace tp::indexer {

void FacetSpy::Add(Xapian::docid did) {
  ++seen_;
  // One stream of the slot, moving forward, rather than a lookup from the table's root for
  // each document (Document::get_value).
  const Xapian::ValueIterator end;
  if (!started_ || (values_ != end && values_.get_docid() > did)) {
    values_ = db_.valuestream_begin(kSlotFacets);
    started_ = true;
  }
  if (values_ == end) return;
  values_.skip_to(did);
  if (values_ == end || values_.get_docid() != did) return;
  const std::string facets = *values_;
  size_t at = 0;
  while (at < facets.size()) {
    const auto index = static_cast<unsigned char>(facets[at]);
    const size_t stop = facets.find('\x1f', at + 1);
    if (stop == std::string::npos) break;
    const std::string_view value = std::string_view(facets).substr(at + 1, stop - at - 1);
    if (index < counts_.size()) {
      Count(index, value);
    } else if (index == static_cast<unsigned char>(kFacetBirthDate)) {
      int birth = 0;
      std::from_chars(value.data(), value.data() + value.size(), birth);
      const std::string_view band = AgeBand(birth, today_);
      if (!band.empty()) Count(kAgeIndex, band);
    }
    at = stop + 1;
  }
}

void FacetSpy::Count(size_t index, std::string_view value) {
  auto& counts = counts_[index];
  const auto it = counts.find(value);
  if (it != counts.end()) {
    ++it->second;
  } else {
    counts.emplace(std::string(value), 1);
  }
}

std::vector<std::pair<std::string, std::vector<FacetValue>>> FacetSpy::Result(
    int64_t matches) const {
  const double scale = seen_ > 0 && matches > seen_
                           ? static_cast<double>(matches) / static_cast<double>(seen_)
                           : 1.0;
  std::vector<std::pair<std::string, std::vector<FacetValue>>> out;
  for (size_t i = 0; i < counts_.size(); ++i) {
    std::vector<FacetValue> values;
    for (const auto& [value, count] : counts_[i]) {
      values.push_back({value, static_cast<int64_t>(static_cast<double>(count) * scale + 0.5)});
    }
    SortFacetValues(values);
    out.emplace_back(std::string(kFilterNames[i]), std::move(values));
  }
  return out;
}

void TermsWeightSource::init(const Xapian::Database& db) {
  lists_.clear();
  min_ = est_ = max_ = 0;
  for (const std::string& term : terms_) {
    const Xapian::doccount frequency = db.get_termfreq(term);
    min_ = std::max(min_, frequency);
    max_ += frequency;
    lists_.push_back(db.postlist_begin(term));
  }
  est_ = max_ = std::min(max_, db.get_doccount());
  last_ = db.get_lastdocid();
  at_ = 0;
  next_bound_ = 0;
  set_maxweight(weight_);
}

void TermsWeightSource::Move(Xapian::docid did) {
  at_ = kEnd;
  for (Xapian::PostingIterator& list : lists_) {
    if (list == Xapian::PostingIterator()) continue;
    list.skip_to(did);
    if (list != Xapian::PostingIterator()) at_ = std::min(at_, *list);
  }
  if (at_ != kEnd && at_ >= next_bound_) {
    set_maxweight(get_weight());
    next_bound_ = at_ + last_ / kBoundSteps + 1;
  }
}

void SortFacetValues(std::vector<FacetValue>& values) {
  std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
}

bool InSample(Xapian::docid did, Xapian::doccount every, Xapian::docid run) {
  // A 32-bit mixing function (the finaliser MurmurHash3 uses): runs next to each other land far
  // apart, so that no stride of the ids is favoured.
  uint32_t x = did / run;
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x % every == 0;
}

double SampledShare(Xapian::docid first, Xapian::docid last, Xapian::doccount every,
                    Xapian::docid run) {
  if (every <= 1) return 1;
  if (last < first) return 0;
  Xapian::doccount runs = 0, taken = 0;
  for (uint64_t at = first / run * run; at <= last; at += run) {
    ++runs;
    if (InSample(static_cast<Xapian::docid>(at), every, run)) ++taken;
  }
  return static_cast<double>(taken) / static_cast<double>(runs);
}

void SampleSource::Advance(Xapian::docid did) {
  at_ = did;
  while (at_ <= last_ && !InSample(at_, every_, run_)) at_ = (at_ / run_ + 1) * run_;
}

}  // namespace tp::indexer
