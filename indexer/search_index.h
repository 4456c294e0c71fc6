// The Chinese search over the registry: a Xapian index in a directory, kept in step with the
// registry's change log, answering SearchRequests. The directory holds generations (gen-N/) and
// a CURRENT file naming the live one; Rebuild() writes a new generation aside and swaps CURRENT
// atomically, so searches keep answering. Each batch of changes is committed together with the
// last applied seq, the registry's identity and the analyser version, so a search never sees a
// half-applied batch and replaying the log is idempotent. Errors: Unavailable when another
// process holds the write lock, Internal for index failures, InvalidArgument for bad requests.
// Search() may be called from several threads at once; writes are serialised.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indexer/change_source.h"
#include "indexer/query_builder.h"
#include "registry/base/status.h"

namespace tp::indexer {

enum class SortOrder {
  kRelevance,
  kAdmissionYearDesc,  // newest admissions first
  kAdmissionYearAsc,
  kYoungestFirst,
  kOldestFirst,
};

// "relevance" (or empty), "admission_year" / "-admission_year" (newest first),
// "+admission_year", "age" / "+age" (youngest first), "-age" (oldest first).
StatusOr<SortOrder> ParseSortOrder(std::string_view text);

struct SearchRequest {
  std::string query;
  // (filter name, value) pairs, names from schema.h's kFilterNames; values of one name are ORed,
  // different names ANDed.
  std::vector<std::pair<std::string, std::string>> filters;
  int page = 1;   // from 1
  int size = 10;  // 1..100
  SortOrder sort = SortOrder::kRelevance;
  bool facets = true;
  IdResolver resolve_id;  // for ID-number-shaped queries; none: they find nobody
  // For mobile numbers in the query (staff only); none: they find nobody.
  PhoneResolver resolve_phone;
  int today = 0;          // YYYYMMDD for ages; 0: the system's date
  // Filters the caller may not select by (a unit: ethnic_group): words of the query naming their
  // values are searched as text only.
  std::vector<std::string> withheld_filters;
};

struct SearchHit {
  int64_t rowid = 0;
  std::string id;  // public_id
  std::string name;
  std::string unit;
  std::string post;
  std::string title;
  std::string gender;
  std::string birth_date;
  std::optional<std::string> ethnic_group;  // none: withheld from the caller, and not printed
  std::string province;
  std::string unit_type;
  std::string tier;
  std::string recommending_unit;
  int admission_year = 0;
  bool trained = false;
  double score = 0;
  // field key (name, unit, achievements…) -> snippet with <em>…</em>, HTML-escaped
  std::vector<std::pair<std::string, std::string>> highlights;
};

struct FacetValue {
  std::string value;
  int64_t count = 0;
};

struct SearchResult {
  int64_t total = 0;
  int page = 1;
  int size = 10;
  std::vector<SearchHit> hits;
  // filter name -> values by count, most first
  std::vector<std::pair<std::string, std::vector<FacetValue>>> facets;
  bool homophones = false;  // the pinyin homophone fallback was used
  // More matches than facets count exactly (10,000): facet counts are scaled from a sample, and
  // so is `total`.
  bool facets_estimated = false;
  // The slices of the index matched at once, a thread each (SetSliceFrom): 1 for most searches.
  int slices = 1;
  // Set by SearchAmong's caller when it cut the allowed set at a bound: people may be missing.
  bool partial = false;
  // Words of the query read as filter values (女, 壮族, 广西, 80后), in the query's order.
  std::vector<UnderstoodFilter> understood;
  // Words that found nobody (with the other words, the filters and the caller's scope), and
  // were left out so that the others still find people. Empty when every word matched.
  std::vector<std::string> unmatched;
  // 「您要找的是不是……」: after a homophone search or with words left out, the query the person
  // most likely meant (黄浩 for 黄昊); empty when the answer is to the letter (did_you_mean.h).
  std::string did_you_mean;
  // Every word finds somebody, but nobody has them all: the hits are those with the most of them,
  // ranked by how many they have, then by relevance.
  bool loose = false;
};

struct IndexInfo {
  std::string generation;
  int64_t last_seq = 0;
  std::string registry_id;
  std::string analyzer_version;
  int64_t documents = 0;
};

struct CatchUpStats {
  int64_t changes = 0;  // log entries read
  int64_t written = 0;  // documents added or replaced
  int64_t deleted = 0;
  int64_t last_seq = 0;
  bool rebuilt = false;
};

// Persons written into a new generation so far, and how many it will hold (0: not known yet).
using RebuildProgress = std::function<void(int64_t written, int64_t total)>;

class SearchIndex {
 public:
  // Opens the index in `directory`, creating it (and the directory) when absent. Loads the
  // analyser's tables from the data folder: NotFound when they are missing.
  static StatusOr<std::unique_ptr<SearchIndex>> Open(const std::string& directory);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Applies the changes after the last applied seq, in batches each committed with its seq.
  // Rebuilds instead when the index was built by another analyser version or registry.
  StatusOr<CatchUpStats> CatchUp(ChangeSource& source);

  // Builds a new generation from the whole change log, swaps it in, then catches up. While
  // `still_writing` (when given) returns true, the log is followed as it grows, and the persons
  // are indexed as their rows are committed: an import running on another thread and this
  // rebuild share the cores, and the index is ready soon after the import ends. The source
  // must then allow reads while it is written (the registry's store does).
  // `on_progress` (when given) is told the persons written so far and the persons to write (0
  // while the log is still being read), one call at a time, from the building threads.
  StatusOr<CatchUpStats> Rebuild(ChangeSource& source,
                                 const std::function<bool()>& still_writing = nullptr,
                                 const RebuildProgress& on_progress = nullptr);

  StatusOr<SearchResult> Search(const SearchRequest& request) const;

  // Search() among the persons of `allowed` (rowids, any order) only: hits, `total` and facet
  // counts are those of an index holding nobody else, and exact (every match among them is
  // counted, so the set is meant to be a caller's scope, a few thousand at most). Rowids the
  // index lacks are passed over.
  StatusOr<SearchResult> SearchAmong(const SearchRequest& request,
                                     std::span<const int64_t> allowed) const;

  StatusOr<IndexInfo> Info() const;

  // A search that weighs its matches and is expected (from its terms' frequencies) to match at
  // least `matches` people is matched in slices of the index at once, one thread each (as many
  // as the cores, up to four), when its page ends within the first 1,000 hits; 0: never. Its
  // hits are those of one match, and so are its total and facets when every match is counted
  // (else each slice counts its share of the sample). The default leaves alone every search of
  // a registry of fewer people.
  static constexpr int64_t kDefaultSliceFrom = 100000;
  void SetSliceFrom(int64_t matches);

  // The analyser version this build writes ("a3-…"); an index with another one is rebuilt.
  static std::string AnalyzerVersion();

 private:
  class Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::indexer
