// The parts of Xapian's match that the search adds (indexer/search_index_search.cc): match spies
// that record or count the matches, and posting sources for a list of documents, a sample of the
// index and the constant weight of a filter value. Internal to indexer/, as Xapian's types are.
#pragma once

#include <xapian.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indexer/schema.h"
#include "indexer/search_index.h"

namespace tp::indexer {

// The documents a match saw, in the order it saw them: up to `limit` ids, and how many in all.
class DocidRecorder : public Xapian::MatchSpy {
 public:
  explicit DocidRecorder(Xapian::doccount limit) : limit_(limit) {}

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    if (ids_.size() < limit_) {
      ids_.push_back(doc.get_docid());
      highest_ = std::max(highest_, ids_.back());
    }
  }
  std::string name() const override { return "tp.DocidRecorder"; }

  void Reset() {
    ids_.clear();
    seen_ = 0;
    highest_ = 0;
  }
  Xapian::doccount seen() const { return seen_; }
  Xapian::doccount limit() const { return limit_; }
  // How many matches the ids from `first` to `last` hold, for a match that showed the recorder
  // every match until it was full (a check_at_least of `limit`) and saw more: as many as among
  // the ids up to the highest recorded. Else `otherwise`.
  Xapian::doccount Extrapolated(Xapian::docid first, Xapian::docid last,
                                Xapian::doccount otherwise) const {
    if (seen_ <= ids_.size() || highest_ < first) return otherwise;
    return static_cast<Xapian::doccount>(static_cast<double>(ids_.size()) *
                                         static_cast<double>(last - first + 1) /
                                         static_cast<double>(highest_ - first + 1));
  }
  // The ids recorded, ascending.
  std::vector<Xapian::docid> Sorted() const {
    std::vector<Xapian::docid> ids = ids_;
    std::sort(ids.begin(), ids.end());
    return ids;
  }

 private:
  Xapian::doccount limit_;
  Xapian::doccount seen_ = 0;
  Xapian::docid highest_ = 0;
  std::vector<Xapian::docid> ids_;
};

// The order a facet's values are shown in: the most frequent first, then by value.
void SortFacetValues(std::vector<FacetValue>& values);

// Counts facet values of the documents it is shown: one slot holds them all (schema.h).
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(const Xapian::Database& db, int today) : db_(db), today_(today) {}

  void operator()(const Xapian::Document& doc, double) override { Add(doc.get_docid()); }

  // Counts the facets of `did`; the documents are shown in ascending order.
  void Add(Xapian::docid did);
  std::string name() const override { return "tp.FacetSpy"; }
  int64_t seen() const { return seen_; }
  void Reset() {
    started_ = false;
    seen_ = 0;
    for (auto& counts : counts_) counts.clear();
  }

  // Counts over the matches seen; when the spy saw only a part of `matches`, scaled up to them.
  std::vector<std::pair<std::string, std::vector<FacetValue>>> Result(int64_t matches) const;

 private:
  static constexpr size_t kAgeIndex =
      static_cast<size_t>(std::find(std::begin(kFilterNames), std::end(kFilterNames), "age_band") -
                          std::begin(kFilterNames));
  // Looked up by the bytes of the value, without a string made for each value of each match.
  struct ValueHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>()(v); }
  };
  void Count(size_t index, std::string_view value);

  const Xapian::Database& db_;
  Xapian::ValueIterator values_;
  bool started_ = false;
  int today_;
  int64_t seen_ = 0;
  std::array<std::unordered_map<std::string, int64_t, ValueHash, std::equal_to<>>,
             std::size(kFilterNames)>
      counts_;
};

// The documents indexed by any of a few terms, each weighing about `weight` whatever its wdf: a
// filter value read from a query word (a tier, a province, the 55 groups of 少数民族). Their
// posting lists alone, where the AND of their OR and a FixedWeightPostingSource would also step
// through the list of every document.
//
// The weight falls by a millionth of itself from the first document to the last, and the bound it
// announces falls as the lists are read. Equal weights rank by document id, so the order is the
// same; but the matcher now knows that the documents still to come cannot outrank the page it
// holds, and stops, where equal bounds made it read every match (领军人才 alone among a million
// people: 88 ms before, 0.5 ms now).
class TermsWeightSource : public Xapian::PostingSource {
 public:
  TermsWeightSource(std::vector<std::string> terms, double weight)
      : terms_(std::move(terms)), weight_(weight) {}

  Xapian::doccount get_termfreq_min() const override { return min_; }
  Xapian::doccount get_termfreq_est() const override { return est_; }
  Xapian::doccount get_termfreq_max() const override { return max_; }

  void init(const Xapian::Database& db) override;
  void next(double) override { Move(at_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > at_) Move(did);
  }
  bool at_end() const override { return at_ == kEnd; }
  Xapian::docid get_docid() const override { return at_; }
  double get_weight() const override {
    return weight_ * (1 - kFall * static_cast<double>(at_) / (static_cast<double>(last_) + 1));
  }

  PostingSource* clone() const override { return new TermsWeightSource(terms_, weight_); }
  std::string name() const override { return "tp.TermsWeightSource"; }

 private:
  static constexpr double kFall = 1e-6;
  static constexpr Xapian::docid kEnd = static_cast<Xapian::docid>(-1);
  // Bounds announced as the lists are read: each makes the matcher recompute the bounds of the
  // whole query, so they come in 64 steps over the ids, not one per document.
  static constexpr Xapian::docid kBoundSteps = 64;

  // To the first document from `did` on that a list holds.
  void Move(Xapian::docid did);

  std::vector<std::string> terms_;
  double weight_;
  std::vector<Xapian::PostingIterator> lists_;
  Xapian::doccount min_ = 0, est_ = 0, max_ = 0;
  Xapian::docid last_ = 0;
  Xapian::docid at_ = 0;
  Xapian::docid next_bound_ = 0;
};

// The documents of a list of ascending document ids, weighing nothing. As the right side of
// OP_FILTER it restricts a query exactly, and the matcher skips through it: no term per
// document is read, as an OR of the documents' id terms would.
class DocidSource : public Xapian::PostingSource {
 public:
  explicit DocidSource(std::shared_ptr<const std::vector<Xapian::docid>> docids)
      : docids_(std::move(docids)) {}

  // Ids the index lacks stay in the list: the query it restricts never matches them.
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return Size(); }
  Xapian::doccount get_termfreq_max() const override { return Size(); }

  void init(const Xapian::Database&) override { started_ = false; }
  void next(double) override {
    at_ = started_ ? at_ + 1 : 0;
    started_ = true;
  }
  // Never backwards: an earlier `did` leaves the position where it is.
  void skip_to(Xapian::docid did, double) override {
    if (!started_) {
      at_ = 0;
      started_ = true;
    }
    const auto from = docids_->begin() + static_cast<ptrdiff_t>(std::min(at_, docids_->size()));
    at_ = static_cast<size_t>(std::lower_bound(from, docids_->end(), did) - docids_->begin());
  }
  bool at_end() const override { return at_ >= docids_->size(); }
  Xapian::docid get_docid() const override { return (*docids_)[at_]; }

  PostingSource* clone() const override { return new DocidSource(docids_); }
  std::string name() const override { return "tp.DocidSource"; }

 private:
  Xapian::doccount Size() const { return static_cast<Xapian::doccount>(docids_->size()); }

  std::shared_ptr<const std::vector<Xapian::docid>> docids_;
  size_t at_ = 0;
  bool started_ = false;
};

// The documents whose ids lie from `first` to `last`, weighing nothing: one slice of the index,
// for matching a wide query's slices at once, one per thread.
class DocidRangeSource : public Xapian::PostingSource {
 public:
  DocidRangeSource(Xapian::docid first, Xapian::docid last) : first_(first), last_(last) {}

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return Size(); }
  Xapian::doccount get_termfreq_max() const override { return Size(); }

  void init(const Xapian::Database& db) override {
    end_ = std::min<Xapian::docid>(last_, db.get_lastdocid());
    at_ = 0;
  }
  void next(double) override { at_ = at_ == 0 ? first_ : at_ + 1; }
  void skip_to(Xapian::docid did, double) override { at_ = std::max({at_, did, first_}); }
  // A check needs no reading: every id of the slice is in it.
  bool check(Xapian::docid did, double) override {
    skip_to(did, 0);
    return true;
  }
  bool at_end() const override { return at_ > end_; }
  Xapian::docid get_docid() const override { return at_; }

  PostingSource* clone() const override { return new DocidRangeSource(first_, last_); }
  std::string name() const override { return "tp.DocidRangeSource"; }

 private:
  Xapian::doccount Size() const { return last_ >= first_ ? last_ - first_ + 1 : 0; }

  Xapian::docid first_, last_;
  Xapian::docid end_ = 0;
  Xapian::docid at_ = 0;
};

// Samples of the index take runs of kSampleRun neighbouring documents, one run in `every`, chosen
// by a hash of the run's number so that a sample spreads over the whole index whatever order
// people were imported in (a province's file after another's). Neighbours share the blocks their
// values are read from: a run costs little more than one document.
inline constexpr Xapian::docid kSampleRun = 16;
// `run`: a sample's runs may be longer, a multiple of kSampleRun.
bool InSample(Xapian::docid did, Xapian::doccount every, Xapian::docid run = kSampleRun);
// The share of the runs from `first` to `last` that the sample of 1 in `every` takes.
double SampledShare(Xapian::docid first, Xapian::docid last, Xapian::doccount every,
                    Xapian::docid run);

// The documents of a sample of the index (InSample), weighing nothing. ANDed with a query, the
// matcher skips through it and reads only the sample's matches.
class SampleSource : public Xapian::PostingSource {
 public:
  explicit SampleSource(Xapian::doccount every, Xapian::docid run = kSampleRun)
      : every_(every), run_(run) {}

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return last_ / every_; }
  Xapian::doccount get_termfreq_max() const override { return last_; }

  void init(const Xapian::Database& db) override {
    last_ = db.get_lastdocid();
    at_ = 0;
  }
  void next(double) override { Advance(at_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > at_) Advance(did);
  }
  bool at_end() const override { return at_ > last_; }
  Xapian::docid get_docid() const override { return at_; }

  PostingSource* clone() const override { return new SampleSource(every_, run_); }
  std::string name() const override { return "tp.SampleSource"; }

 private:
  // The first chosen document from `did` on, or past the last.
  void Advance(Xapian::docid did);

  Xapian::doccount every_;
  Xapian::docid run_;
  Xapian::docid last_ = 0;
  Xapian::docid at_ = 0;
};

}  // namespace tp::indexer
