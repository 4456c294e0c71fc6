// Photos and stamped scans kept with people and recommendations (attachments.h).
#include "registry/attachments/attachments.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sodium.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "registry/attachments/content.h"
#include "registry/store/attachment_files.h"
#include "registry/store/db_handle.h"
#include "registry/tables/zip_writer.h"

namespace tp::registry {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMegabyte = std::size_t{1} << 20;

std::string Quote(std::string_view text) { return "「" + std::string(text) + "」"; }

std::string Megabytes(std::size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / kMegabyte);
  return text;
}

std::string Hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string ContentContext(std::string_view key) { return "attachment:" + std::string(key); }

// The data file's problems, named by file and key.
Status BadData(const std::string& file, const std::string& key, const std::string& message) {
  return InvalidArgument("数据文件" + Quote(file) + "中 " + key + "：" + message);
}

StatusOr<std::vector<AttachmentKind>> ReadKinds(const json& root, const std::string& file) {
  std::vector<AttachmentKind> kinds;
  if (!root.contains("kinds") || !root["kinds"].is_array()) {
    return BadData(file, "kinds", "应为数组");
  }
  for (std::size_t i = 0; i < root["kinds"].size(); ++i) {
    const json& k = root["kinds"][i];
    const std::string at = "kinds[" + std::to_string(i) + "]";
    if (!k.is_object() || !k.value("code", json()).is_string() ||
        !k.value("label", json()).is_string() || !k.value("content", json()).is_array() ||
        !k.value("max_mb", json()).is_number_integer()) {
      return BadData(file, at, "应有 code、label、content（数组）与 max_mb（整数）");
    }
    AttachmentKind kind;
    kind.code = k["code"];
    kind.label = k["label"];
    for (const json& c : k["content"]) {
      if (c == "image") {
        kind.image = true;
      } else if (c == "pdf") {
        kind.pdf = true;
      } else {
        return BadData(file, at + ".content", "只能是 image 或 pdf");
      }
    }
    const int max_mb = k["max_mb"];
    if (max_mb < 1 || max_mb > 100) return BadData(file, at + ".max_mb", "应在 1 到 100 之间");
    kind.max_bytes = static_cast<std::size_t>(max_mb) * kMegabyte;
    for (const AttachmentKind& other : kinds) {
      if (other.code == kind.code) return BadData(file, at + ".code", kind.code + " 重复");
    }
    kinds.push_back(std::move(kind));
  }
  return kinds;
}

StatusOr<std::vector<CampaignAttachmentRules>> ReadCampaigns(
    const json& root, const std::string& file, const std::vector<AttachmentKind>& kinds) {
  std::vector<CampaignAttachmentRules> campaigns;
  if (!root.contains("campaigns")) return campaigns;
  if (!root["campaigns"].is_array()) return BadData(file, "campaigns", "应为数组");
  auto known = [&kinds](const std::string& code) {
    for (const AttachmentKind& k : kinds)
      if (k.code == code) return true;
    return false;
  };
  for (std::size_t i = 0; i < root["campaigns"].size(); ++i) {
    const json& c = root["campaigns"][i];
    const std::string at = "campaigns[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.value("prefix", json()).is_string() || c["prefix"] == "") {
      return BadData(file, at, "应有非空的 prefix");
    }
    CampaignAttachmentRules rules;
    rules.prefix = c["prefix"];
    rules.name = c.value("name", rules.prefix);
    // Each map names kinds; its numbers are counts, megabytes or dots per inch.
    for (const char* name : {"required", "max_count", "min_mb", "min_dpi"}) {
      if (!c.contains(name)) continue;
      if (!c[name].is_object()) return BadData(file, at + "." + name, "应为对象");
      for (const auto& [kind, value] : c[name].items()) {
        if (!known(kind)) return BadData(file, at + "." + name, "没有种类 " + kind);
        if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > 10000) {
          return BadData(file, at + "." + name + "." + kind, "应为正整数");
        }
        const int number = value;
        const std::string n(name);
        if (n == "required") rules.required[kind] = number;
        if (n == "max_count") rules.max_count[kind] = number;
        if (n == "min_mb") rules.min_bytes[kind] = static_cast<std::size_t>(number) * kMegabyte;
        if (n == "min_dpi") rules.min_dpi[kind] = number;
      }
    }
    if (c.contains("jpeg_only")) {
      if (!c["jpeg_only"].is_array()) return BadData(file, at + ".jpeg_only", "应为数组");
      for (const json& kind : c["jpeg_only"]) {
        if (!kind.is_string() || !known(kind)) {
          return BadData(file, at + ".jpeg_only", "应为已有种类的代码");
        }
        rules.jpeg_only.insert(kind.get<std::string>());
      }
    }
    campaigns.push_back(std::move(rules));
  }
  return campaigns;
}

std::string Column(SQLite::Statement& st, int i) {
  return st.getColumn(i).isNull() ? std::string() : st.getColumn(i).getString();
}

int IntColumn(SQLite::Statement& st, int i) {
  return st.getColumn(i).isNull() ? 0 : st.getColumn(i).getInt();
}

constexpr const char* kSelectAttachment =
    "SELECT a.id, p.public_id, coalesce(ro.code, ''), a.kind, a.filename, a.content_type, "
    "a.bytes, a.width, a.height, a.dpi, a.pages, a.warnings, a.uploaded_by, "
    "a.uploaded_by_name, a.uploaded_at, a.blob_key, a.invitation_id FROM attachments a "
    "LEFT JOIN persons p ON p.id = a.person_id "
    "LEFT JOIN recommendations r ON r.id = a.recommendation_id "
    "LEFT JOIN submissions s ON s.id = r.submission_id "
    "LEFT JOIN rounds ro ON ro.id = s.round_id ";

AttachmentRecord ReadRecord(SQLite::Statement& st, std::string* key = nullptr) {
  AttachmentRecord r;
  r.id = st.getColumn(0).getInt64();
  r.person_id = Column(st, 1);
  r.round_code = Column(st, 2);
  r.kind = Column(st, 3);
  r.filename = Column(st, 4);
  r.content_type = Column(st, 5);
  r.bytes = st.getColumn(6).getInt64();
  r.width = IntColumn(st, 7);
  r.height = IntColumn(st, 8);
  r.dpi = IntColumn(st, 9);
  r.pages = IntColumn(st, 10);
  json warnings = json::parse(Column(st, 11), nullptr, false);
  if (warnings.is_array()) {
    for (const json& w : warnings)
      if (w.is_string()) r.warnings.push_back(w);
  }
  r.uploaded_by = Column(st, 12);
  r.uploaded_by_name = Column(st, 13);
  r.uploaded_at = Column(st, 14);
  if (key != nullptr) *key = Column(st, 15);
  r.invitation = st.getColumn(16).isNull() ? 0 : st.getColumn(16).getInt64();
  return r;
}

// The person's row, and the recommendation of `round_code` with its campaign's code; or the
// nominee's invitation with its round's campaign.
struct Target {
  int64_t person = 0;
  std::string name;
  int64_t recommendation = 0;
  int64_t invitation = 0;
  std::string campaign;
};

StatusOr<Target> FindInvitation(SQLite::Database& db, int64_t invitation) {
  SQLite::Statement st(db,
                       "SELECT i.name, c.code FROM invitations i "
                       "JOIN rounds ro ON ro.id = i.round_id "
                       "JOIN campaigns c ON c.id = ro.campaign_id WHERE i.id = ?");
  st.bind(1, static_cast<int64_t>(invitation));
  if (!st.executeStep()) return NotFound("没有编号为 " + std::to_string(invitation) + " 的邀请");
  Target t;
  t.invitation = invitation;
  t.name = st.getColumn(0).getString();
  t.campaign = st.getColumn(1).getString();
  return t;
}

StatusOr<Target> FindTarget(SQLite::Database& db, std::string_view person_id,
                            std::string_view round_code) {
  Target t;
  SQLite::Statement person(
      db, "SELECT id, name FROM persons WHERE public_id=? AND merged_into IS NULL");
  person.bind(1, std::string(person_id));
  if (!person.executeStep()) return NotFound("没有编号为 " + std::string(person_id) + " 的人员");
  t.person = person.getColumn(0).getInt64();
  t.name = person.getColumn(1).getString();
  if (round_code.empty()) return t;
  SQLite::Statement rec(db,
                        "SELECT r.id, c.code FROM recommendations r "
                        "JOIN submissions s ON s.id = r.submission_id "
                        "JOIN rounds ro ON ro.id = s.round_id "
                        "JOIN campaigns c ON c.id = ro.campaign_id "
                        "WHERE ro.code = ? AND r.person_id = ? ORDER BY r.id DESC LIMIT 1");
  rec.bind(1, std::string(round_code));
  rec.bind(2, static_cast<int64_t>(t.person));
  if (!rec.executeStep()) {
    return InvalidArgument(
        Quote(t.name) + "没有在推荐批次 " + std::string(round_code) + " 中被推荐",
        {{"round", "该人员没有在这一批次中被推荐", 0}});
  }
  t.recommendation = rec.getColumn(0).getInt64();
  t.campaign = rec.getColumn(1).getString();
  return t;
}

}  // namespace

StatusOr<std::unique_ptr<Attachments>> Attachments::Open(Store& store,
                                                         const std::string& data_dir) {
  const std::string file = data_dir + "/attachments.json";
  std::ifstream in(file);
  if (!in) return NotFound("无法读取数据文件" + Quote(file));
  json root = json::parse(in, nullptr, false);
  if (root.is_discarded() || !root.is_object())
    return BadData(file, "（整个文件）", "不是 JSON 对象");
  TP_ASSIGN_OR_RETURN(std::vector<AttachmentKind> kinds, ReadKinds(root, file));
  TP_ASSIGN_OR_RETURN(std::vector<CampaignAttachmentRules> campaigns,
                      ReadCampaigns(root, file, kinds));
  return std::make_unique<Attachments>(store, std::move(kinds), std::move(campaigns));
}

const AttachmentKind* Attachments::FindKind(std::string_view code) const {
  for (const AttachmentKind& k : kinds_)
    if (k.code == code) return &k;
  return nullptr;
}

const CampaignAttachmentRules* Attachments::RulesFor(std::string_view campaign_code) const {
  for (const CampaignAttachmentRules& c : campaigns_) {
    if (!campaign_code.empty() && campaign_code.substr(0, c.prefix.size()) == c.prefix) return &c;
  }
  return nullptr;
}

StatusOr<AttachmentRecord> Attachments::Add(const NewAttachment& file, const AuditEntry& who) {
  const AttachmentKind* kind = FindKind(file.kind);
  if (kind == nullptr) {
    std::string codes;
    for (const AttachmentKind& k : kinds_) codes += (codes.empty() ? "" : "、") + k.code;
    return InvalidArgument("附件种类" + Quote(file.kind) + "不存在，可选：" + codes,
                           {{"kind", "可选：" + codes, 0}});
  }
  const std::string filename = file.filename.empty() ? kind->label : file.filename;
  if (file.bytes.size() > kind->max_bytes) {
    return InvalidArgument(Quote(filename) + "有 " + Megabytes(file.bytes.size()) + "，超过" +
                               Quote(kind->label) + "的上限 " + Megabytes(kind->max_bytes),
                           {{"file", "超过 " + Megabytes(kind->max_bytes) + " 的上限", 0}});
  }
  StatusOr<ContentFacts> facts = InspectContent(file.bytes, filename);
  if (!facts.ok())
    return InvalidArgument(facts.status().message(), {{"file", facts.status().message(), 0}});
  const bool is_image = facts->kind == ContentKind::kImage;
  if ((is_image && !kind->image) || (!is_image && !kind->pdf)) {
    const std::string wanted = kind->image ? "照片（JPEG 或 PNG）" : "PDF 扫描件";
    const std::string message = Quote(filename) + "的内容是" +
                                (is_image ? std::string("图片") : std::string("PDF")) + "，" +
                                Quote(kind->label) + "须是" + wanted;
    return InvalidArgument(message, {{"file", message, 0}});
  }

  const Keyring& keys = store_.Keys();
  const std::string key = Hex(keys.BlindIndex("attachment", file.bytes));
  try {
    TP_ASSIGN_OR_RETURN(auto write, store_.Db().Write());
    SQLite::Database& db = write->Connection();
    TP_ASSIGN_OR_RETURN(Target target, file.invitation != 0
                                           ? FindInvitation(db, file.invitation)
                                           : FindTarget(db, file.person_id, file.round_code));

    std::vector<std::string> warnings;
    if (const CampaignAttachmentRules* rules = RulesFor(target.campaign)) {
      if (auto max = rules->max_count.find(kind->code); max != rules->max_count.end()) {
        SQLite::Statement count(db, target.invitation != 0
                                        ? "SELECT count(*) FROM attachments "
                                          "WHERE invitation_id = ? AND kind = ?"
                                        : "SELECT count(*) FROM attachments "
                                          "WHERE recommendation_id = ? AND kind = ?");
        count.bind(1, static_cast<int64_t>(target.invitation != 0 ? target.invitation
                                                                  : target.recommendation));
        count.bind(2, kind->code);
        count.executeStep();
        if (count.getColumn(0).getInt() >= max->second) {
          const std::string message = Quote(kind->label) + "最多 " + std::to_string(max->second) +
                                      " 份，已有 " + std::to_string(max->second) +
                                      " 份：请先删除一份再上传";
          return InvalidArgument(message, {{"kind", message, 0}});
        }
      }
      const std::string notice = rules->name + "的通知";
      if (rules->jpeg_only.contains(kind->code) && facts->content_type != "image/jpeg") {
        warnings.push_back(notice + "只收 JPEG（.jpg）照片，这是 PNG：请另存为 JPEG 再上传");
      }
      if (auto min = rules->min_bytes.find(kind->code);
          min != rules->min_bytes.end() && file.bytes.size() < min->second) {
        warnings.push_back("照片只有 " + Megabytes(file.bytes.size()) + "，" + notice +
                           "要求不小于 " + Megabytes(min->second) + "：请上传原图");
      }
      if (auto min = rules->min_dpi.find(kind->code); min != rules->min_dpi.end()) {
        if (facts->dpi == 0) {
          warnings.push_back("照片没有标明分辨率，" + notice + "要求 " +
                             std::to_string(min->second) + " dpi：请确认是原图");
        } else if (facts->dpi < min->second) {
          warnings.push_back("照片分辨率为 " + std::to_string(facts->dpi) + " dpi，" + notice +
                             "要求 " + std::to_string(min->second) + " dpi");
        }
      }
    }

    // The file first, under the writer: a row never names a file that is not there.
    TP_RETURN_IF_ERROR(
        WriteAttachmentFile(store_.Dir(), key, keys.Seal(file.bytes, ContentContext(key))));
    SQLite::Statement insert(
        db,
        "INSERT INTO attachments(person_id, recommendation_id, kind, filename, content_type, "
        "bytes, blob_key, width, height, dpi, pages, warnings, uploaded_by, uploaded_by_name, "
        "uploaded_role, invitation_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (target.person != 0) {
      insert.bind(1, static_cast<int64_t>(target.person));
    } else {
      insert.bind(1);
    }
    if (target.recommendation != 0) {
      insert.bind(2, static_cast<int64_t>(target.recommendation));
    } else {
      insert.bind(2);
    }
    insert.bind(3, kind->code);
    insert.bind(4, filename);
    insert.bind(5, facts->content_type);
    insert.bind(6, static_cast<int64_t>(file.bytes.size()));
    insert.bind(7, key);
    auto bind_positive = [&insert](int index, int value) {
      if (value > 0) {
        insert.bind(index, value);
      } else {
        insert.bind(index);
      }
    };
    bind_positive(8, facts->width);
    bind_positive(9, facts->height);
    bind_positive(10, facts->dpi);
    bind_positive(11, facts->pages);
    insert.bind(12, json(warnings).dump());
    BindText(insert, 13, who.actor);
    BindText(insert, 14, who.actor_name);
    BindText(insert, 15, who.role);
    if (target.invitation != 0) {
      insert.bind(16, static_cast<int64_t>(target.invitation));
    } else {
      insert.bind(16);
    }
    insert.exec();
    const int64_t id = db.getLastInsertRowid();
    AuditEntry entry = who;
    entry.action = "upload";
    entry.object_type = "attachment";
    entry.object_id = std::to_string(id);
    entry.detail_json = json{{"person", file.person_id},   {"invitation", file.invitation},
                             {"round", file.round_code},   {"kind", kind->code},
                             {"bytes", file.bytes.size()}, {"warnings", warnings.size()}}
                            .dump();
    InsertAudit(db, entry);
    TP_RETURN_IF_ERROR(write->Commit());
    AttachmentRecord record;
    record.id = id;
    record.person_id = file.person_id;
    record.invitation = file.invitation;
    record.round_code = file.round_code;
    record.kind = kind->code;
    record.kind_label = kind->label;
    record.filename = filename;
    record.content_type = facts->content_type;
    record.bytes = static_cast<int64_t>(file.bytes.size());
    record.width = facts->width;
    record.height = facts->height;
    record.dpi = facts->dpi;
    record.pages = facts->pages;
    record.warnings = std::move(warnings);
    record.uploaded_by = who.actor;
    record.uploaded_by_name = who.actor_name;
    return record;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "保存附件");
  }
}

StatusOr<std::vector<AttachmentRecord>> Attachments::Select(
    const std::string& where, const std::function<void(SQLite::Statement&)>& bind) {
  try {
    auto db = store_.Db().Read();
    SQLite::Statement st(*db, std::string(kSelectAttachment) + "WHERE " + where + " ORDER BY a.id");
    bind(st);
    std::vector<AttachmentRecord> out;
    while (st.executeStep()) {
      out.push_back(ReadRecord(st));
      if (const AttachmentKind* k = FindKind(out.back().kind)) out.back().kind_label = k->label;
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取附件列表");
  }
}

StatusOr<std::vector<AttachmentRecord>> Attachments::List(std::string_view person_id,
                                                          std::string_view round_code) {
  return Select("p.public_id = ?1 AND (?2 = '' OR ro.code = ?2)", [&](SQLite::Statement& st) {
    st.bind(1, std::string(person_id));
    st.bind(2, std::string(round_code));
  });
}

StatusOr<std::vector<MissingAttachment>> Attachments::Missing(std::string_view person_id,
                                                              std::string_view round_code) {
  std::string campaign;
  try {
    auto db = store_.Db().Read();
    TP_ASSIGN_OR_RETURN(Target target, FindTarget(*db, person_id, round_code));
    campaign = target.campaign;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取推荐");
  }
  if (RulesFor(campaign) == nullptr) return std::vector<MissingAttachment>();
  TP_ASSIGN_OR_RETURN(std::vector<AttachmentRecord> have, List(person_id, round_code));
  return MissingOf(campaign, have);
}

std::vector<MissingAttachment> Attachments::MissingOf(
    std::string_view campaign, const std::vector<AttachmentRecord>& have) const {
  std::vector<MissingAttachment> missing;
  const CampaignAttachmentRules* rules = RulesFor(campaign);
  if (rules == nullptr) return missing;
  for (const AttachmentKind& kind : kinds_) {  // in the data file's order
    auto need = rules->required.find(kind.code);
    if (need == rules->required.end()) continue;
    int count = 0;
    for (const AttachmentRecord& a : have) count += a.kind == kind.code ? 1 : 0;
    if (count < need->second) missing.push_back({kind.code, kind.label, need->second, count});
  }
  return missing;
}

StatusOr<std::vector<AttachmentRecord>> Attachments::ListForInvitation(int64_t invitation) {
  return Select("a.invitation_id = ? AND a.person_id IS NULL", [invitation](SQLite::Statement& st) {
    st.bind(1, static_cast<int64_t>(invitation));
  });
}

StatusOr<std::vector<MissingAttachment>> Attachments::MissingForInvitation(int64_t invitation) {
  std::string campaign;
  try {
    auto db = store_.Db().Read();
    TP_ASSIGN_OR_RETURN(Target target, FindInvitation(*db, invitation));
    campaign = target.campaign;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取邀请");
  }
  TP_ASSIGN_OR_RETURN(std::vector<AttachmentRecord> have, ListForInvitation(invitation));
  return MissingOf(campaign, have);
}

StatusOr<AttachmentRecord> Attachments::Get(int64_t id, std::string* content) {
  std::string key;
  AttachmentRecord record;
  try {
    auto db = store_.Db().Read();
    SQLite::Statement st(*db, std::string(kSelectAttachment) + "WHERE a.id = ?");
    st.bind(1, static_cast<int64_t>(id));
    if (!st.executeStep()) return NotFound("没有编号为 " + std::to_string(id) + " 的附件");
    record = ReadRecord(st, &key);
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取附件");
  }
  if (const AttachmentKind* k = FindKind(record.kind)) record.kind_label = k->label;
  if (content != nullptr) {
    TP_ASSIGN_OR_RETURN(std::string sealed, ReadAttachmentFile(store_.Dir(), key));
    StatusOr<std::string> opened = store_.Keys().Open(sealed, ContentContext(key));
    if (!opened.ok()) return Internal("附件 " + std::to_string(id) + " 的文件无法用本库的密钥打开");
    *content = std::move(*opened);
  }
  return record;
}

Status Attachments::Remove(int64_t id, const AuditEntry& who) {
  try {
    TP_ASSIGN_OR_RETURN(auto write, store_.Db().Write());
    SQLite::Database& db = write->Connection();
    SQLite::Statement st(db, std::string(kSelectAttachment) + "WHERE a.id = ?");
    st.bind(1, static_cast<int64_t>(id));
    if (!st.executeStep()) return NotFound("没有编号为 " + std::to_string(id) + " 的附件");
    std::string key;
    const AttachmentRecord record = ReadRecord(st, &key);
    st.reset();
    SQLite::Statement remove(db, "DELETE FROM attachments WHERE id = ?");
    remove.bind(1, static_cast<int64_t>(id));
    remove.exec();
    AuditEntry entry = who;
    entry.action = "delete";
    entry.object_type = "attachment";
    entry.object_id = std::to_string(id);
    entry.detail_json =
        json{{"person", record.person_id}, {"kind", record.kind}, {"filename", record.filename}}
            .dump();
    InsertAudit(db, entry);
    SQLite::Statement others(db, "SELECT count(*) FROM attachments WHERE blob_key = ?");
    others.bind(1, key);
    others.executeStep();
    const bool last = others.getColumn(0).getInt() == 0;
    others.reset();
    TP_RETURN_IF_ERROR(write->Commit());
    // Still under the writer: no upload of the same content can name the file meanwhile.
    if (last) {
      std::error_code ec;
      std::filesystem::remove(AttachmentFilePath(store_.Dir(), key), ec);
    }
    return Status::Ok();
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "删除附件");
  }
}

StatusOr<RoundZip> Attachments::ZipRound(std::string_view round_code, int64_t unit_rowid,
                                         std::size_t max_bytes) {
  struct Row {
    std::string unit, person_id, name, kind, content_type, key;
    int64_t id = 0, bytes = 0;
  };
  std::vector<Row> rows;
  try {
    auto db = store_.Db().Read();
    SQLite::Statement round(*db, "SELECT 1 FROM rounds WHERE code = ?");
    round.bind(1, std::string(round_code));
    if (!round.executeStep())
      return NotFound("没有代码为 " + std::string(round_code) + " 的推荐批次");
    SQLite::Statement st(
        *db,
        "SELECT u.name, p.public_id, p.name, a.kind, a.content_type, a.blob_key, a.id, a.bytes "
        "FROM attachments a JOIN recommendations r ON r.id = a.recommendation_id "
        "JOIN submissions s ON s.id = r.submission_id JOIN rounds ro ON ro.id = s.round_id "
        "JOIN units u ON u.id = s.unit_id JOIN persons p ON p.id = a.person_id "
        "WHERE ro.code = ?1 AND (?2 = 0 OR s.unit_id = ?2) AND r.state != 'rejected' "
        "ORDER BY u.name, p.public_id, a.kind = 'photo' DESC, a.id");
    st.bind(1, std::string(round_code));
    st.bind(2, static_cast<int64_t>(unit_rowid));
    std::size_t total = 0;
    while (st.executeStep()) {
      Row row{Column(st, 0),
              Column(st, 1),
              Column(st, 2),
              Column(st, 3),
              Column(st, 4),
              Column(st, 5),
              st.getColumn(6).getInt64(),
              st.getColumn(7).getInt64()};
      total += static_cast<std::size_t>(row.bytes);
      if (total > max_bytes) {
        return InvalidArgument("附件合计超过 " + Megabytes(max_bytes) +
                               "，请按推荐单位分别下载（?unit=单位代码）");
      }
      rows.push_back(std::move(row));
    }
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "读取批次的附件");
  }
  // Folder names: 姓名, with the 编号 when two people of a unit share a name.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> ids_by_name;
  std::set<std::string> units;
  for (const Row& r : rows) {
    ids_by_name[{r.unit, r.name}].insert(r.person_id);
    units.insert(r.unit);
  }
  auto safe = [](std::string text) {
    for (char& c : text) {
      if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
          c == '>' || c == '|') {
        c = '_';
      }
    }
    return text;
  };
  RoundZip out;
  std::vector<std::string> contents;
  contents.reserve(rows.size());
  std::vector<ZipEntry> entries;
  std::map<std::string, int> photos_of;  // per person folder
  std::map<std::string, int> kinds_of;   // per person folder and kind
  std::set<std::string> persons;
  for (const Row& r : rows) {
    std::string folder = safe(r.name);
    if (ids_by_name[{r.unit, r.name}].size() > 1) folder += "（" + r.person_id + "）";
    if (units.size() > 1) folder = safe(r.unit) + "/" + folder;
    persons.insert(r.person_id);
    std::string name;
    if (r.content_type.rfind("image/", 0) == 0) {
      name = safe(r.name) + std::to_string(++photos_of[folder]) +
             (r.content_type == "image/png" ? ".png" : ".jpg");
    } else {
      const AttachmentKind* kind = FindKind(r.kind);
      const std::string label = kind != nullptr ? kind->label : r.kind;
      const int n = ++kinds_of[folder + "\n" + r.kind];
      name = safe(r.name) + "-" + safe(label) + (n > 1 ? std::to_string(n) : "") + ".pdf";
    }
    TP_ASSIGN_OR_RETURN(std::string sealed, ReadAttachmentFile(store_.Dir(), r.key));
    StatusOr<std::string> opened = store_.Keys().Open(sealed, ContentContext(r.key));
    if (!opened.ok())
      return Internal("附件 " + std::to_string(r.id) + " 的文件无法用本库的密钥打开");
    contents.push_back(std::move(*opened));
    entries.push_back({folder + "/" + name, contents.back(), /*compress=*/false});
  }
  TP_ASSIGN_OR_RETURN(out.bytes, WriteZip(entries, static_cast<int64_t>(std::time(nullptr))));
  out.files = static_cast<int>(entries.size());
  out.persons = static_cast<int>(persons.size());
  return out;
}

StatusOr<int> Attachments::CollectGarbage() {
  TP_ASSIGN_OR_RETURN(auto write, store_.Db().Write());
  return RemoveUnnamedAttachmentFiles(write->Connection(), store_.Dir());
}

}  // namespace tp::registry
