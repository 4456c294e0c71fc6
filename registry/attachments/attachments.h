// Attachments: the photos and stamped scans of a person, or of one of their recommendations
// (an honour round's 照片, 推荐表 scan, 廉政鉴定意见 …).
//
// What may be uploaded is data (data/attachments.json): the kinds, each with the content it
// takes (a photo: JPEG or PNG; a scan: PDF) and its size limit, and per honour campaign the kinds
// a recommendation needs, how many, and what the notice asks of them (最美: JPEG of 2 MB or more;
// 优秀党员: 1 MB or more at 300 dpi). A file is checked by its content (content.h): a PDF renamed
// .jpg is refused, a photo smaller than the notice asks is kept with a warning.
//
// Files live outside the database, in DIR/attachments/ (store/attachment_files.h), each named by
// a keyed hash of its content (equal files are kept once) and sealed under the registry's key
// like ID numbers: they are personal data. A file is written (and synced) before the row that names
// it, so a crash leaves at worst a file no row names, which CollectGarbage() removes; a file goes
// when the last row naming it does. Backups carry the files (store/backup.h).
//
// Who may see or change which person's attachments is the caller's to decide (the API applies
// the person scopes); every call here names the person by 编号.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/store/store.h"

namespace SQLite {
class Statement;
}

namespace tp::registry {

struct AttachmentKind {
  std::string code;   // photo, work_photo, form_scan, …
  std::string label;  // 小2寸正面免冠彩色照片
  bool image = false;
  bool pdf = false;
  std::size_t max_bytes = 0;
};

// What an honour campaign asks of a recommendation's attachments, by kind code.
struct CampaignAttachmentRules {
  std::string prefix;  // campaign codes starting with it: "zuimei"
  std::string name;
  std::map<std::string, int> required;  // at least this many
  std::map<std::string, int> max_count;
  std::set<std::string> jpeg_only;
  std::map<std::string, std::size_t> min_bytes;
  std::map<std::string, int> min_dpi;
};

struct AttachmentRecord {
  int64_t id = 0;
  std::string person_id;   // 编号; empty while it is a nominee's, before the unit takes the form
  int64_t invitation = 0;  // the nominee's invitation it was uploaded through, if so
  std::string round_code;  // the recommendation's round; empty for the person's own
  std::string kind;
  std::string kind_label;
  std::string filename;
  std::string content_type;
  int64_t bytes = 0;
  int width = 0;
  int height = 0;
  int dpi = 0;
  int pages = 0;
  std::vector<std::string> warnings;
  std::string uploaded_by;
  std::string uploaded_by_name;
  std::string uploaded_at;
};

struct NewAttachment {
  std::string person_id;   // 编号
  std::string round_code;  // a round the person is recommended in; empty: the person's own
  std::string kind;
  std::string filename;    // as uploaded; only shown, never trusted
  std::string_view bytes;  // read during the call only
  // Instead of a person: the invitation of a nominee filling in their own form (person_id and
  // round_code empty: the round is the invitation's). Moves to the person and the recommendation
  // when the unit takes the form into its list (rounds/invitations.h).
  int64_t invitation = 0;
};

// A kind a recommendation still lacks: `have` of `need`.
struct MissingAttachment {
  std::string kind;
  std::string label;
  int need = 0;
  int have = 0;
};

// A round's attachments as one zip (Attachments::ZipRound).
struct RoundZip {
  std::string bytes;
  int files = 0;
  int persons = 0;
};

class Attachments {
 public:
  // Reads data_dir/attachments.json (InvalidArgument naming the file and key when it is wrong).
  static StatusOr<std::unique_ptr<Attachments>> Open(Store& store, const std::string& data_dir);

  const std::vector<AttachmentKind>& Kinds() const { return kinds_; }

  // Checks and keeps a file. InvalidArgument naming the field (kind, file, round) for an unknown
  // kind, content the kind does not take, a file over its limit, a round the person is not
  // recommended in, or one more than the campaign takes; NotFound for an unknown person. A file
  // smaller, or of lower resolution, than the campaign asks is kept, its warnings in the record.
  StatusOr<AttachmentRecord> Add(const NewAttachment& file, const AuditEntry& who);

  // The person's attachments, their own and their recommendations'; only those of `round_code`
  // when given. Oldest first.
  StatusOr<std::vector<AttachmentRecord>> List(std::string_view person_id,
                                               std::string_view round_code = {});
  // The kinds the round's campaign requires that the person's recommendation lacks (none for a
  // round whose campaign asks for nothing).
  StatusOr<std::vector<MissingAttachment>> Missing(std::string_view person_id,
                                                   std::string_view round_code);

  // A nominee's attachments, uploaded through invitation `invitation`, and what the round's
  // campaign still asks of them.
  StatusOr<std::vector<AttachmentRecord>> ListForInvitation(int64_t invitation);
  StatusOr<std::vector<MissingAttachment>> MissingForInvitation(int64_t invitation);

  // One attachment's record, and its content when `content` is given. NotFound for an unknown
  // id; Internal when the file is gone or does not open under the registry's key.
  StatusOr<AttachmentRecord> Get(int64_t id, std::string* content = nullptr);

  // Removes the attachment, and its file when no other attachment names it; audited.
  Status Remove(int64_t id, const AuditEntry& who);

  // The attachments of a round's recommendations (of unit `unit_rowid` only, when not 0; none of
  // a rejected one) as a zip in the folders units keep them in: 姓名/姓名1.jpg, 姓名/姓名2.jpg …
  // for the photos ([002]: 用姓名+序号作为照片名), 姓名/姓名-<种类>.pdf for the scans (numbered
  // when there are several); a folder per unit around them when more than one unit has any; a
  // person's 编号 added to the folder when two share a name. InvalidArgument when the files add up
  // to more than `max_bytes`.
  StatusOr<RoundZip> ZipRound(std::string_view round_code, int64_t unit_rowid,
                              std::size_t max_bytes);

  // Removes files that no attachment names (left by a crash between file and row); the count.
  StatusOr<int> CollectGarbage();

  Attachments(Store& store, std::vector<AttachmentKind> kinds,
              std::vector<CampaignAttachmentRules> campaigns)
      : store_(store), kinds_(std::move(kinds)), campaigns_(std::move(campaigns)) {}

 private:
  const AttachmentKind* FindKind(std::string_view code) const;
  const CampaignAttachmentRules* RulesFor(std::string_view campaign_code) const;
  std::vector<MissingAttachment> MissingOf(std::string_view campaign,
                                           const std::vector<AttachmentRecord>& have) const;
  // The attachments a condition on `a` (the attachment), `p` (its person) and `ro` (its round)
  // selects, oldest first, with their kinds' labels; `bind` binds the condition's parameters.
  StatusOr<std::vector<AttachmentRecord>> Select(
      const std::string& where, const std::function<void(SQLite::Statement&)>& bind);

  Store& store_;
  std::vector<AttachmentKind> kinds_;
  std::vector<CampaignAttachmentRules> campaigns_;
};

}  // namespace tp::registry
