#include "indexer/search_index.h"

#include <fcntl.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

#include "indexer/internal/search_index_impl.h"
#include "indexer/schema.h"
#include "indexer/text_tables.h"
#include "registry/base/paths.h"

namespace tp::indexer {
namespace fs = std::filesystem;

Status FromXapian(const Xapian::Error& e) {
  if (std::string_view(e.get_type()) == "DatabaseLockError") {
    return Unavailable("检索索引正在被另一进程更新，请稍后重试");
  }
  return Internal(std::string("检索索引出错（") + e.get_type() + "）：" + e.get_msg());
}

std::string ReadCurrent(const fs::path& dir) {
  std::ifstream in(dir / kCurrentFile);
  std::string name;
  std::getline(in, name);
  return name;
}

Status SyncDirectory(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      return Internal("无法写入检索索引文件：" + entry.path().string());
    }
    ::close(fd);
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return ec ? Internal("无法读取检索索引目录：" + dir.string()) : Status::Ok();
}

unsigned BuildThreads(size_t parts) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(
      std::min<size_t>({cores, kMaxBuildThreads, std::max<size_t>(parts, 1)}));
}

Status RowidInRange(int64_t rowid) {
  if (rowid <= 0 || rowid > static_cast<int64_t>(UINT32_MAX)) {
    return Internal("人员编号超出检索索引范围：" + std::to_string(rowid));
  }
  return Status::Ok();
}

int64_t ParseInt(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (...) {
    return 0;
  }
}

Xapian::Document ToDocument(const BuiltDocument& built) {
  Xapian::Document doc;
  for (const auto& p : built.postings) {
    if (p.position == 0) {
      doc.add_term(p.term);
    } else {
      doc.add_posting(p.term, p.position);
    }
  }
  for (const std::string& t : built.boolean_terms) doc.add_boolean_term(t);
  for (const auto& [slot, value] : built.values) doc.add_value(slot, value);
  doc.set_data(built.stored.Encode());
  return doc;
}

SearchIndex::Impl::Impl(fs::path dir, const TextTables& tables, registry::ReferenceData reference,
                        const UnitAbbreviations& abbreviations)
    : dir_(std::move(dir)),
      analyzer_(tables),
      pinyin_(tables),
      words_(std::move(reference)),
      queries_(analyzer_, pinyin_, &words_, &abbreviations),
      highlighter_(analyzer_, pinyin_) {}

Status SearchIndex::Impl::Init() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Internal("无法创建检索索引目录：" + dir_.string());
  if (!ReadCurrent(dir_).empty()) return Status::Ok();
  const std::string generation = "gen-000001";
  Xapian::WritableDatabase db((dir_ / generation).string(), Xapian::DB_CREATE_OR_OPEN);
  db.set_metadata(kMetaAnalyzer, AnalyzerVersion());
  db.set_metadata(kMetaLastSeq, "0");
  db.commit();
  db.close();
  return SwapCurrent(generation);
}

Status SearchIndex::Impl::SwapCurrent(const std::string& generation) {
  const fs::path tmp = dir_ / (std::string(kCurrentFile) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << generation << "\n";
    out.flush();
    if (!out) return Internal("无法写入检索索引指针文件");
  }
  std::error_code ec;
  fs::rename(tmp, dir_ / kCurrentFile, ec);  // atomic: readers see the old or the new name
  if (ec) return Internal("无法切换检索索引：" + ec.message());
  const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return Status::Ok();
}

StatusOr<IndexInfo> SearchIndex::Impl::Info() const {
  try {
    auto reader = Acquire();
    IndexInfo info;
    info.generation = reader->generation;
    info.last_seq = ParseInt(reader->db.get_metadata(kMetaLastSeq));
    info.registry_id = reader->db.get_metadata(kMetaRegistryId);
    info.analyzer_version = reader->db.get_metadata(kMetaAnalyzer);
    info.documents = reader->db.get_doccount();
    Release(std::move(reader));
    return info;
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
}

StatusOr<SortOrder> ParseSortOrder(std::string_view text) {
  if (text.empty() || text == "relevance") return SortOrder::kRelevance;
  if (text == "admission_year" || text == "-admission_year") return SortOrder::kAdmissionYearDesc;
  if (text == "+admission_year") return SortOrder::kAdmissionYearAsc;
  if (text == "age" || text == "+age") return SortOrder::kYoungestFirst;
  if (text == "-age") return SortOrder::kOldestFirst;
  return InvalidArgument(
      "字段「排序」：应为 relevance、admission_year、+admission_year、age 或 -age",
      {{"排序", "应为 relevance、admission_year、+admission_year、age 或 -age"}});
}

std::string SearchIndex::AnalyzerVersion() {
  auto tables = TextTables::Default();
  char fingerprint[24];
  std::snprintf(fingerprint, sizeof fingerprint, "%016llx",
                tables.ok() ? static_cast<unsigned long long>((*tables)->Fingerprint()) : 0ull);
  std::string version = "a";
  version += std::to_string(kAnalyzerVersion);
  version += '-';
  version += fingerprint;
  return version;
}

StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& directory) {
  TP_ASSIGN_OR_RETURN(auto tables, TextTables::Default());
  // The vocabulary of filter words (ethnic groups, provinces) in queries.
  TP_ASSIGN_OR_RETURN(auto reference, registry::ReferenceData::Load(registry::DataDir()));
  // Units' short and full names (中科院, 中国科学院) in queries.
  TP_ASSIGN_OR_RETURN(auto abbreviations, UnitAbbreviations::Default());
  auto impl =
      std::make_unique<Impl>(fs::path(directory), *tables, std::move(reference), *abbreviations);
  try {
    TP_RETURN_IF_ERROR(impl->Init());
  } catch (const Xapian::Error& e) {
    return FromXapian(e);
  }
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

StatusOr<CatchUpStats> SearchIndex::CatchUp(ChangeSource& source) { return impl_->CatchUp(source); }
StatusOr<CatchUpStats> SearchIndex::Rebuild(ChangeSource& source,
                                            const std::function<bool()>& still_writing,
                                            const RebuildProgress& on_progress) {
  return impl_->Rebuild(source, still_writing, on_progress);
}
StatusOr<SearchResult> SearchIndex::Search(const SearchRequest& request) const {
  return impl_->Search(request);
}
StatusOr<SearchResult> SearchIndex::SearchAmong(const SearchRequest& request,
                                                std::span<const int64_t> allowed) const {
  return impl_->SearchAmong(request, allowed);
}
StatusOr<IndexInfo> SearchIndex::Info() const { return impl_->Info(); }

void SearchIndex::SetSliceFrom(int64_t matches) { impl_->SetSliceFrom(matches); }

}  // namespace tp::indexer
