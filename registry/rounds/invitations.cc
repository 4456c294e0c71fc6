#include "registry/rounds/invitations.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "registry/base/person_fields.h"
#include "registry/fields/masking.h"
#include "registry/fields/validate.h"
#include "registry/rounds/honour_forms.h"
#include "registry/store/crypto.h"
#include "registry/store/db_handle.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;

// The 学员情况表 of seed 000 as the nominee fills it in, in the form's order; the unit adds
// what only it can say (所属群体, 在职状态, the availability answers) when it takes the form.
struct FieldSpec {
  const char* key;
  const char* kind;
  bool required;
  bool multiline;
};
constexpr FieldSpec kFormFields[] = {
    {"name", "text", true, false},
    {"gender", "choice", true, false},
    {"birth_date", "date", true, false},
    {"ethnic_group", "choice", true, false},
    {"native_place", "text", false, false},
    {"birthplace", "text", false, false},
    {"political_affiliation", "choice", true, false},
    {"id_number", "text", true, false},
    {"nationality", "text", false, false},
    {"foreign_residence", "yes_no", false, false},
    {"unit", "text", true, false},
    {"post", "text", true, false},
    {"title", "text", true, false},
    {"education", "text", true, false},
    {"degree", "text", false, false},
    {"graduated_from", "text", false, false},
    {"major", "text", false, false},
    {"academician", "yes_no", false, false},
    {"fields", "list", false, false},
    {"phone", "text", true, false},
    {"email", "text", false, false},
    {"address", "text", false, false},
    {"postcode", "text", false, false},
    {"congress_posts", "text", false, true},
    {"association_posts", "text", false, true},
    {"united_front_groups", "text", false, false},
    {"other_posts", "text", false, true},
    {"hobbies", "text", false, false},
    {"career", "text", true, true},
    {"achievements", "text", true, true},
};

constexpr const char* kSelect =
    "SELECT i.id, r.code, r.title, u.code, u.name, i.unit_id, i.name, i.contact_mask, i.state, "
    "coalesce(i.reason,''), i.created_by, i.created_at, coalesce(i.opened_at,0), "
    "coalesce(i.submitted_at,0), i.expires_at, coalesce(i.recommendation_id,0), i.form_enc "
    "FROM invitations i JOIN rounds r ON r.id=i.round_id JOIN units u ON u.id=i.unit_id ";

bool Live(const std::string& state) {
  return state == "sent" || state == "opened" || state == "returned";
}

std::string MaskContact(const std::string& contact) {
  const size_t at = contact.find('@');
  if (at == std::string::npos) return MaskPhone(contact);
  return contact.substr(0, 1) + "***" + contact.substr(at);
}

Status Refused(const Invitation& inv) {
  if (inv.state == "expired") return PermissionDenied("邀请链接已过期，请联系推荐单位重新发送");
  if (inv.state == "submitted")
    return PermissionDenied("表格已提交给推荐单位；如需修改，请联系推荐单位退回");
  return NotFound("邀请链接无效或已撤回");
}

}  // namespace

struct Invitations::Impl {
  Impl(Rounds& r, Workflow& w) : rounds(r), workflow(w) {
    const ReferenceData& reference = rounds.reference();
    for (const FieldSpec& spec : kFormFields) {
      const PersonField* field = FindPersonFieldByKey(spec.key);
      if (field == nullptr) continue;
      FormField f{spec.key, std::string(field->label), spec.kind, spec.required, spec.multiline,
                  {}};
      if (f.key == "gender") f.options = {"男", "女"};
      if (f.key == "ethnic_group") f.options = reference.EthnicGroups();
      if (f.key == "political_affiliation") f.options = reference.PoliticalAffiliations();
      fields.push_back(std::move(f));
    }
  }

  Rounds& rounds;
  Workflow& workflow;
  std::vector<FormField> fields;
  std::shared_ptr<HonourForms> honour_forms;

  DbHandle& db() { return rounds.store().Db(); }
  const Keyring& keys() { return db().Keys(); }

  const FormField* Field(const std::string& key) const {
    for (const FormField& f : fields)
      if (f.key == key) return &f;
    return nullptr;
  }

  StatusOr<NomineeForm> Load(const std::string& where, const std::string& blob, int64_t id) {
    NomineeForm form;
    std::string sealed;
    Json stored_honour;
    try {
      auto lease = db().Read();
      SQLite::Statement st(*lease, std::string(kSelect) + where);
      if (blob.empty()) {
        st.bind(1, id);
      } else {
        st.bind(1, blob.data(), static_cast<int>(blob.size()));
      }
      if (!st.executeStep()) return NotFound("邀请链接无效或已撤回");
      Invitation& inv = form.invitation;
      inv.id = st.getColumn(0).getInt64();
      inv.round = st.getColumn(1).getString();
      inv.round_title = st.getColumn(2).getString();
      inv.unit_code = st.getColumn(3).getString();
      inv.unit_name = st.getColumn(4).getString();
      inv.unit_rowid = st.getColumn(5).getInt64();
      inv.name = st.getColumn(6).getString();
      inv.contact_mask = st.getColumn(7).getString();
      inv.state = st.getColumn(8).getString();
      inv.reason = st.getColumn(9).getString();
      inv.created_by = st.getColumn(10).getString();
      inv.created_at = st.getColumn(11).getInt64();
      inv.opened_at = st.getColumn(12).getInt64();
      inv.submitted_at = st.getColumn(13).getInt64();
      inv.expires_at = st.getColumn(14).getInt64();
      inv.recommendation_id = st.getColumn(15).getInt64();
      SQLite::Column c = st.getColumn(16);
      if (!c.isNull()) sealed.assign(static_cast<const char*>(c.getBlob()), c.getBytes());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取邀请");
    }
    if (Live(form.invitation.state) && rounds.Now() >= form.invitation.expires_at)
      form.invitation.state = "expired";
    if (!sealed.empty()) {
      TP_ASSIGN_OR_RETURN(std::string text, keys().Open(sealed, SealContext("invitations", "form",
                                                                            form.invitation.id)));
      Json j = Json::parse(text, nullptr, false);
      if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it)
          if (it->is_string()) form.values[it.key()] = it->get<std::string>();
      if (j.is_object() && j.contains("honour")) stored_honour = j["honour"];
    }
    TP_RETURN_IF_ERROR(LoadHonour(stored_honour, &form));
    Recheck(&form);
    return form;
  }

  // The round's 推荐表 (when it has one) and the nominee's part of it as stored.
  Status LoadHonour(const Json& stored, NomineeForm* form) const {
    if (!honour_forms) return Status::Ok();
    TP_ASSIGN_OR_RETURN(Round round, rounds.GetRound(form->invitation.round));
    const HonourFormSpec* spec = honour_forms->SpecForRuleSet(round.rule_set);
    if (spec == nullptr) return Status::Ok();
    TP_ASSIGN_OR_RETURN(auto rules, rounds.GetRuleSet(round.rule_set));
    form->honour_spec = spec;
    form->groups = rules.groups();
    form->group_required = rules.group_required();
    if (!stored.is_object()) return Status::Ok();
    if (stored.contains("group") && stored["group"].is_string())
      form->group = stored["group"].get<std::string>();
    if (stored.contains("form") && stored["form"].is_object()) {
      TP_ASSIGN_OR_RETURN(form->honour, HonourFormFromJson(*spec, stored["form"].dump()));
    }
    return Status::Ok();
  }

  // Replaces the nominee's part of the 推荐表 with `patch`'s members, checked as the 推荐表's PUT
  // checks a form; a box the unit fills is refused by name.
  static Status ApplyHonour(const NomineeHonourPatch& patch, NomineeForm* form) {
    if (patch.empty()) return Status::Ok();
    const HonourFormSpec* spec = form->honour_spec;
    if (spec == nullptr) {
      const std::string key = patch.form_json ? "honour_form" : "group";
      return InvalidArgument("「" + form->invitation.round_title + "」没有推荐表",
                             {{key, "该批次没有推荐表", 0}});
    }
    if (patch.group) {
      if (!patch.group->empty() &&
          std::find(form->groups.begin(), form->groups.end(), *patch.group) == form->groups.end()) {
        std::string known;
        for (const std::string& g : form->groups) known += (known.empty() ? "" : "、") + g;
        return InvalidArgument("推荐组别应为：" + known,
                               {{"推荐组别", "「" + *patch.group + "」不是可选的组别", 0}});
      }
      form->group = *patch.group;
    }
    if (patch.form_json) {
      Json doc = Json::parse(*patch.form_json, nullptr, false);
      if (!doc.is_object())
        return InvalidArgument("推荐表应为对象（栏目 → 内容）", {{"honour_form", "应为对象", 0}});
      for (auto it = doc.begin(); it != doc.end(); ++it) {
        const HonourFieldSpec* f = spec->Field(it.key());
        if (f != nullptr && !f->nominee) {
          return InvalidArgument("「" + it.key() + "」由推荐单位填写，被推荐人不能填写",
                                 {{it.key(), "由推荐单位填写", 0}});
        }
      }
      TP_ASSIGN_OR_RETURN(HonourForm boxes, HonourFormFromJson(*spec, *patch.form_json));
      HonourFormCheck check = CheckHonourForm(*spec, boxes, Person{});
      std::vector<FieldError> errors;
      for (const FieldError& e : check.errors)
        if (spec->Field(e.field) != nullptr) errors.push_back(e);
      if (!errors.empty()) return InvalidArgument(errors.front().message, errors);
      form->honour = std::move(boxes);
    }
    return Status::Ok();
  }

  // The form's problems: the person fields', then the nominee's 推荐表 boxes'.
  void Recheck(NomineeForm* form) const {
    form->errors = Check(form->values);
    form->honour_warnings.clear();
    const HonourFormSpec* spec = form->honour_spec;
    if (spec == nullptr) return;
    if (form->group_required && form->group.empty())
      form->errors.push_back({"推荐组别", "「推荐组别」未勾选", 0});
    const HonourFormCheck check = CheckHonourForm(*spec, form->honour, Person{});
    auto own = [spec](const FieldError& e) {
      const HonourFieldSpec* f = spec->Field(e.field);
      return f != nullptr && f->nominee;
    };
    for (const auto* list : {&check.errors, &check.missing})
      for (const FieldError& e : *list)
        if (own(e)) form->errors.push_back(e);
    for (const FieldError& e : check.warnings)
      if (own(e)) form->honour_warnings.push_back(e);
  }

  // The sealed document of a form: its values and, in an honour round, the 推荐表 part.
  static std::string FormDocument(const NomineeForm& form) {
    Json doc(form.values);
    if (form.honour_spec != nullptr) {
      doc["honour"] = {{"group", form.group},
                       {"form", Json::parse(HonourFormToJson(*form.honour_spec, form.honour))}};
    }
    return doc.dump();
  }

  StatusOr<NomineeForm> ById(int64_t id) { return Load("WHERE i.id=?", "", id); }
  StatusOr<NomineeForm> BySecret(std::string_view secret) {
    if (secret.size() != 64) return NotFound("邀请链接无效或已撤回");
    return Load("WHERE i.hash=?", HashToken(secret), 0);
  }

  // The problems of the values as the unit's recommendation would meet them, by field key.
  std::vector<FieldError> Check(const std::map<std::string, std::string>& values) const {
    std::vector<std::pair<std::string, std::string>> cells;
    for (const auto& [key, value] : values) {
      const FormField* f = Field(key);
      if (f != nullptr && !value.empty()) cells.emplace_back(f->label, value);
    }
    Person person;
    std::vector<FieldError> errors;
    for (const FieldError& e : BuildPerson(cells, rounds.reference(), &person)) {
      std::string key = e.field;
      for (const FormField& f : fields)
        if (f.label == e.field) key = f.key;
      errors.push_back({key, e.message, 0});
    }
    for (const FormField& f : fields) {
      auto it = values.find(f.key);
      if (f.required && (it == values.end() || it->second.empty()))
        errors.push_back({f.key, "必填", 0});
    }
    return errors;
  }

  Status Merge(const std::map<std::string, std::string>& changes,
               std::map<std::string, std::string>* values) const {
    for (const auto& [key, value] : changes) {
      if (Field(key) == nullptr)
        return InvalidArgument("表格中没有字段「" + key + "」", {{key, "未知字段", 0}});
      if (value.size() > 8000) return InvalidArgument("内容过长", {{key, "最长 8000 个字节", 0}});
      if (value.empty()) {
        values->erase(key);
      } else {
        (*values)[key] = value;
      }
    }
    return Status::Ok();
  }

  // Writes the state (and, when given, the values) of an invitation with an audit entry.
  Status Write(int64_t id, const std::string& set_sql, const std::vector<Json>& binds,
               const NomineeForm* values, const AuditEntry& entry) {
    TP_ASSIGN_OR_RETURN(auto write, db().Write());
    try {
      SQLite::Statement st(write->Connection(),
                           "UPDATE invitations SET " + set_sql + ", version=version+1" +
                               (values != nullptr ? ", form_enc=?" : "") + " WHERE id=?");
      int i = 1;
      for (const Json& b : binds) {
        if (b.is_number_integer()) {
          st.bind(i++, b.get<int64_t>());
        } else if (b.is_null()) {
          st.bind(i++);
        } else {
          st.bind(i++, b.get<std::string>());
        }
      }
      if (values != nullptr) {
        const std::string sealed =
            keys().Seal(FormDocument(*values), SealContext("invitations", "form", id));
        st.bind(i++, sealed.data(), static_cast<int>(sealed.size()));
      }
      st.bind(i, id);
      st.exec();
      InsertAudit(write->Connection(), entry);
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "保存邀请");
    }
    return write->Commit();
  }
};

Invitations::Invitations(Rounds& rounds, Workflow& workflow)
    : impl_(std::make_shared<Impl>(rounds, workflow)) {}

const std::vector<FormField>& Invitations::Fields() const { return impl_->fields; }

void Invitations::SetHonourForms(std::shared_ptr<HonourForms> forms) {
  impl_->honour_forms = std::move(forms);
}

StatusOr<std::pair<Invitation, std::string>> Invitations::Create(std::string_view round_code,
                                                                 int64_t unit_rowid,
                                                                 std::string_view name,
                                                                 std::string_view contact,
                                                                 const Actor& actor) {
  TP_ASSIGN_OR_RETURN(Round round, impl_->rounds.GetRound(round_code));
  TP_RETURN_IF_ERROR(impl_->rounds.CheckWindow(round, unit_rowid));
  const std::string who(name);
  if (who.empty() || who.size() > 60)
    return InvalidArgument("请填写被邀请人的姓名", {{"name", "必填，最长 20 个汉字", 0}});
  const std::string reach(contact);
  const bool mobile = reach.size() == 11 && reach[0] == '1' &&
                      reach.find_first_not_of("0123456789") == std::string::npos;
  const size_t at = reach.find('@');
  const bool email = at != std::string::npos && at > 0 &&
                     reach.find('.', at) != std::string::npos && reach.size() <= 120 &&
                     reach.find(' ') == std::string::npos;
  if (!mobile && !email)
    return InvalidArgument("请填写被邀请人的手机号（11 位）或电子邮箱",
                           {{"contact", "应为 11 位手机号或电子邮箱", 0}});
  const std::string secret = RandomHex(32);
  const std::string hash = HashToken(secret);
  const int64_t now = impl_->rounds.Now();
  std::map<std::string, std::string> values = {{"name", who}, {mobile ? "phone" : "email", reach}};
  int64_t id = 0;
  {
    TP_ASSIGN_OR_RETURN(auto write, impl_->db().Write());
    try {
      SQLite::Statement st(write->Connection(),
                           "INSERT INTO invitations(hash, round_id, unit_id, name, contact_enc, "
                           "contact_mask, created_by, created_at, expires_at) "
                           "VALUES(?,?,?,?,x'',?,?,?,?)");
      st.bind(1, hash.data(), static_cast<int>(hash.size()));
      st.bind(2, round.rowid);
      st.bind(3, unit_rowid);
      st.bind(4, who);
      st.bind(5, MaskContact(reach));
      st.bind(6, actor.id.empty() ? std::string("cli") : actor.id);
      st.bind(7, now);
      st.bind(8, now + kValidSeconds);
      st.exec();
      id = write->Connection().getLastInsertRowid();
      // Sealed to the row: the contact and what the nominee will fill in.
      const std::string contact_enc =
          impl_->keys().Seal(reach, SealContext("invitations", "contact", id));
      const std::string form_enc =
          impl_->keys().Seal(Json(values).dump(), SealContext("invitations", "form", id));
      SQLite::Statement seal(write->Connection(),
                             "UPDATE invitations SET contact_enc=?, form_enc=? WHERE id=?");
      seal.bind(1, contact_enc.data(), static_cast<int>(contact_enc.size()));
      seal.bind(2, form_enc.data(), static_cast<int>(form_enc.size()));
      seal.bind(3, id);
      seal.exec();
      InsertAudit(write->Connection(),
                  actor.Entry("invite", "invitation", std::to_string(id),
                              Json{{"round", round.code}, {"name", who}}.dump()));
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "创建邀请");
    }
    TP_RETURN_IF_ERROR(write->Commit());
  }
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
  return std::make_pair(std::move(form.invitation), secret);
}

StatusOr<std::vector<Invitation>> Invitations::List(std::string_view round_code,
                                                    int64_t unit_rowid) {
  TP_ASSIGN_OR_RETURN(Round round, impl_->rounds.GetRound(round_code));
  std::vector<int64_t> ids;
  try {
    auto lease = impl_->db().Read();
    SQLite::Statement st(
        *lease, "SELECT id FROM invitations WHERE round_id=? AND unit_id=? ORDER BY id DESC");
    st.bind(1, round.rowid);
    st.bind(2, unit_rowid);
    while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "列出邀请");
  }
  std::vector<Invitation> out;
  for (int64_t id : ids) {
    TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
    out.push_back(std::move(form.invitation));
  }
  return out;
}

StatusOr<NomineeForm> Invitations::Get(int64_t id) { return impl_->ById(id); }

StatusOr<NomineeForm> Invitations::Open(std::string_view secret) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->BySecret(secret));
  if (!Live(form.invitation.state)) return Refused(form.invitation);
  if (form.invitation.state == "sent") {
    AuditEntry e;
    e.actor = "nominee";
    e.action = "open";
    e.object_type = "invitation";
    e.object_id = std::to_string(form.invitation.id);
    TP_RETURN_IF_ERROR(impl_->Write(form.invitation.id, "state='opened', opened_at=?",
                                    {impl_->rounds.Now()}, nullptr, e));
    form.invitation.state = "opened";
    form.invitation.opened_at = impl_->rounds.Now();
  }
  return form;
}

StatusOr<NomineeForm> Invitations::SaveByNominee(std::string_view secret,
                                                 const std::map<std::string, std::string>& values,
                                                 const NomineeHonourPatch& honour) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, Open(secret));
  TP_RETURN_IF_ERROR(impl_->Merge(values, &form.values));
  TP_RETURN_IF_ERROR(Impl::ApplyHonour(honour, &form));
  AuditEntry e;
  e.actor = "nominee";
  e.action = "save";
  e.object_type = "invitation";
  e.object_id = std::to_string(form.invitation.id);
  TP_RETURN_IF_ERROR(impl_->Write(form.invitation.id, "state=state", {}, &form, e));
  impl_->Recheck(&form);
  return form;
}

StatusOr<NomineeForm> Invitations::Submit(std::string_view secret, const std::string& remote_addr) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, Open(secret));
  if (!form.errors.empty()) {
    return InvalidArgument("表格还有 " + std::to_string(form.errors.size()) + " 处需要填写或修改",
                           form.errors);
  }
  AuditEntry e;
  e.actor = "nominee";
  e.action = "submit";
  e.object_type = "invitation";
  e.object_id = std::to_string(form.invitation.id);
  e.remote_addr = remote_addr;
  TP_RETURN_IF_ERROR(impl_->Write(form.invitation.id, "state='submitted', submitted_at=?",
                                  {impl_->rounds.Now()}, nullptr, e));
  form.invitation.state = "submitted";
  return form;
}

StatusOr<NomineeForm> Invitations::EditSubmitted(int64_t id,
                                                 const std::map<std::string, std::string>& values,
                                                 const Actor& actor,
                                                 const NomineeHonourPatch& honour) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
  if (form.invitation.state != "submitted")
    return PreconditionFailed("只有已提交的表格可以由推荐单位修改");
  TP_RETURN_IF_ERROR(impl_->Merge(values, &form.values));
  TP_RETURN_IF_ERROR(Impl::ApplyHonour(honour, &form));
  TP_RETURN_IF_ERROR(impl_->Write(id, "state=state", {}, &form,
                                  actor.Entry("edit", "invitation", std::to_string(id))));
  impl_->Recheck(&form);
  return form;
}

StatusOr<Invitation> Invitations::Return(int64_t id, std::string_view reason, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
  if (form.invitation.state != "submitted") return PreconditionFailed("只有已提交的表格可以退回");
  if (reason.empty()) return InvalidArgument("请说明退回的原因", {{"reason", "必填", 0}});
  // The nominee gets the full time again to correct the form.
  const int64_t expires = std::max(form.invitation.expires_at, impl_->rounds.Now() + kValidSeconds);
  TP_RETURN_IF_ERROR(impl_->Write(
      id, "state='returned', reason=?, expires_at=?", {std::string(reason), expires}, nullptr,
      actor.Entry("return", "invitation", std::to_string(id), Json{{"reason", reason}}.dump())));
  TP_ASSIGN_OR_RETURN(NomineeForm after, impl_->ById(id));
  return after.invitation;
}

StatusOr<std::pair<Invitation, AddResult>> Invitations::Accept(int64_t id, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
  if (form.invitation.state != "submitted")
    return PreconditionFailed("只有已提交的表格可以纳入推荐名单");
  if (!form.errors.empty())
    return InvalidArgument("表格还有需要修改之处，请修改或退回", form.errors);
  RecommendationInput input;
  for (const auto& [key, value] : form.values) {
    const FormField* f = impl_->Field(key);
    if (f != nullptr) input.cells.emplace_back(f->label, value);
  }
  input.group = form.group;
  TP_ASSIGN_OR_RETURN(
      AddResult added,
      impl_->workflow.Add(form.invitation.round, form.invitation.unit_rowid, input, actor));
  TP_RETURN_IF_ERROR(impl_->Write(id, "state='accepted', recommendation_id=?", {added.item.id},
                                  nullptr,
                                  actor.Entry("accept", "invitation", std::to_string(id),
                                              Json{{"recommendation", added.item.id}}.dump())));
  // The photos and scans the nominee uploaded become the person's, for this recommendation.
  {
    TP_ASSIGN_OR_RETURN(auto write, impl_->db().Write());
    try {
      SQLite::Statement move(write->Connection(),
                             "UPDATE attachments SET recommendation_id = ?1, "
                             "person_id = (SELECT person_id FROM recommendations WHERE id = ?1) "
                             "WHERE invitation_id = ?2 AND person_id IS NULL");
      move.bind(1, static_cast<int64_t>(added.item.id));
      move.bind(2, id);
      move.exec();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "转交被推荐人上传的附件");
    }
    TP_RETURN_IF_ERROR(write->Commit());
  }
  // The nominee's 推荐表 boxes become the recommendation's, over any it already holds.
  if (form.honour_spec != nullptr && !form.honour.values.empty()) {
    TP_ASSIGN_OR_RETURN(HonourFormView stored, impl_->honour_forms->Get(added.item.id));
    const HonourForm merged = MergeHonourForm(stored.form, form.honour);
    TP_ASSIGN_OR_RETURN(
        auto saved, impl_->honour_forms->Put(added.item.id,
                                             HonourFormToJson(*form.honour_spec, merged), actor));
    (void)saved;
  }
  TP_ASSIGN_OR_RETURN(NomineeForm after, impl_->ById(id));
  return std::make_pair(std::move(after.invitation), std::move(added));
}

StatusOr<std::pair<Invitation, std::string>> Invitations::NewLink(int64_t id, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
  if (!Live(form.invitation.state))
    return PreconditionFailed("只有尚在被推荐人手中（未提交、未过期、未撤回）的邀请可以换新链接");
  const std::string secret = RandomHex(32);
  const std::string hash = HashToken(secret);
  TP_ASSIGN_OR_RETURN(auto write, impl_->db().Write());
  try {
    SQLite::Statement st(write->Connection(),
                         "UPDATE invitations SET hash=?, version=version+1 WHERE id=?");
    st.bind(1, hash.data(), static_cast<int>(hash.size()));
    st.bind(2, id);
    st.exec();
    InsertAudit(write->Connection(), actor.Entry("relink", "invitation", std::to_string(id)));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "更换邀请链接");
  }
  TP_RETURN_IF_ERROR(write->Commit());
  return std::make_pair(std::move(form.invitation), secret);
}

StatusOr<Invitation> Invitations::Revoke(int64_t id, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(NomineeForm form, impl_->ById(id));
  if (form.invitation.state == "accepted")
    return PreconditionFailed("已纳入推荐名单的邀请不能撤回；请在名单中移除该人员");
  TP_RETURN_IF_ERROR(impl_->Write(id, "state='revoked'", {}, nullptr,
                                  actor.Entry("revoke", "invitation", std::to_string(id))));
  TP_ASSIGN_OR_RETURN(NomineeForm after, impl_->ById(id));
  return after.invitation;
}

}  // namespace tp::registry
