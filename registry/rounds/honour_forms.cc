// The 推荐表 of honour recommendations and the answers to exclusions (honour_forms.h).
#include "registry/rounds/honour_forms.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "registry/base/person_fields.h"
#include "registry/rounds/internal/workflow_internal.h"

namespace tp::registry {
namespace {

std::string ReadWhole(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

StatusOr<std::vector<std::string>> AttachmentKinds(const std::string& data_dir) {
  bool ok = false;
  const std::string text = ReadWhole(data_dir + "/attachments.json", &ok);
  if (!ok) return NotFound("读不到 attachments.json");
  Json doc = Json::parse(text, nullptr, false);
  std::vector<std::string> kinds;
  if (doc.is_object() && doc.contains("kinds") && doc["kinds"].is_array()) {
    for (const Json& k : doc["kinds"])
      if (k.is_object() && k.contains("code") && k["code"].is_string())
        kinds.push_back(k["code"].get<std::string>());
  }
  if (kinds.empty()) return InvalidArgument("attachments.json：没有 kinds");
  return kinds;
}

Status BadField(const std::string& field, const std::string& message) {
  return InvalidArgument(field + "：" + message, {{field, message, 0}});
}

std::string SealForm(const Keyring& keys, const std::string& json, int64_t id) {
  return keys.Seal(json, SealContext("honour_forms", "form_enc", id));
}

}  // namespace

struct HonourForms::Impl {
  explicit Impl(Workflow& w) : workflow(w) {}

  Store& store() { return workflow.rounds().store(); }

  struct Context {
    RecommendationView item;
    Round round;
    RuleSet rules;
    const HonourFormSpec* spec = nullptr;
  };

  StatusOr<Context> Load(int64_t id) {
    TP_ASSIGN_OR_RETURN(auto item, workflow.GetRecommendation(id));
    TP_ASSIGN_OR_RETURN(auto round, workflow.rounds().GetRound(item.round));
    TP_ASSIGN_OR_RETURN(auto rules, workflow.rounds().GetRuleSet(round.rule_set));
    const HonourFormSpec* spec = SpecFor(round.rule_set);
    if (spec == nullptr)
      return NotFound("「" + round.title + "」没有推荐表（规则集 " + round.rule_set + "）");
    return Context{std::move(item), std::move(round), std::move(rules), spec};
  }

  const HonourFormSpec* SpecFor(std::string_view rule_set) const {
    for (const HonourFormSpec& s : specs)
      if (std::find(s.rule_sets.begin(), s.rule_sets.end(), rule_set) != s.rule_sets.end())
        return &s;
    return nullptr;
  }

  // The nominee the checks judge: the unit's copy, with the honours the registry records.
  static Nominee CheckedNominee(const RecommendationView& item) {
    Nominee c = ToNominee(item);
    c.honours.clear();
    for (const HonourRecord& h : item.record.honours) c.honours.push_back(h.title);
    for (const HonourRecord& h : item.submitted.honours)
      if (std::find(c.honours.begin(), c.honours.end(), h.title) == c.honours.end())
        c.honours.push_back(h.title);
    return c;
  }

  StatusOr<HonourFormView> View(const Context& ctx) {
    HonourFormView v;
    const RecommendationView& item = ctx.item;
    v.recommendation_id = item.id;
    v.round = item.round;
    v.unit_code = item.unit_code;
    v.state = item.state;
    v.spec = ctx.spec;
    v.form_code = ctx.spec->code;
    v.title = ctx.spec->title;
    v.person = item.submitted.person;
    v.id_number_mask = item.submitted.id_number_mask;
    v.phone_mask = item.submitted.phone_mask;
    v.group = item.group;
    v.opinion = item.opinion;
    const Nominee nominee = CheckedNominee(item);
    v.honours = nominee.honours;
    try {
      auto lease = store().Db().Read();
      SQLite::Database& db = *lease;
      SQLite::Statement form(db,
                             "SELECT form_enc, version, updated_at FROM honour_forms "
                             "WHERE recommendation_id=?");
      form.bind(1, item.id);
      if (form.executeStep()) {
        const std::string sealed = form.getColumn(0).getString();
        auto json = store().Keys().Open(sealed, SealContext("honour_forms", "form_enc", item.id));
        if (!json.ok()) return Internal("推荐表 " + std::to_string(item.id) + " 无法解密");
        TP_ASSIGN_OR_RETURN(v.form, HonourFormFromJson(*ctx.spec, *json));
        v.version = form.getColumn(1).getInt64();
        v.updated_at = form.getColumn(2).getString();
      }
      SQLite::Statement files(db,
                              "SELECT id, kind, filename, content_type, bytes FROM attachments "
                              "WHERE recommendation_id=? OR (person_id=? AND recommendation_id "
                              "IS NULL) ORDER BY id");
      files.bind(1, item.id);
      files.bind(2, item.record.rowid);
      while (files.executeStep()) {
        v.attachments.push_back({files.getColumn(0).getInt64(), files.getColumn(1).getString(),
                                 files.getColumn(2).getString(), files.getColumn(3).getString(),
                                 files.getColumn(4).getInt64()});
      }
      for (const HonourAttachmentSpec& a : ctx.spec->attachments) {
        const auto have =
            std::count_if(v.attachments.begin(), v.attachments.end(),
                          [&](const HonourFormAttachment& f) { return f.kind == a.kind; });
        if (have < a.min) {
          v.missing_attachments.push_back({a.kind,
                                           "缺少" + a.label + "（至少" + std::to_string(a.min) +
                                               "份，现有" + std::to_string(have) + "份）",
                                           0});
        }
      }
      SQLite::Statement answers(db,
                                "SELECT check_code, answer, note, coalesce(answered_by_name, "
                                "answered_by, ''), answered_at FROM exclusion_answers "
                                "WHERE recommendation_id=?");
      answers.bind(1, item.id);
      std::vector<ExclusionCheck> stored;
      while (answers.executeStep()) {
        ExclusionCheck a;
        a.raised.code = answers.getColumn(0).getString();
        a.answer = answers.getColumn(1).getString();
        a.note = answers.getColumn(2).getString();
        a.answered_by = answers.getColumn(3).getString();
        a.answered_at = answers.getColumn(4).getString();
        stored.push_back(std::move(a));
      }
      for (RaisedCheck& raised : ctx.rules.RaisedChecks(nominee, ctx.round.reference_date)) {
        ExclusionCheck c;
        for (const ExclusionCheck& a : stored) {
          if (a.raised.code != raised.code) continue;
          c = a;
        }
        c.raised = std::move(raised);
        c.open = !(c.answer == "confirm" && c.raised.confirmable);
        v.exclusions.push_back(std::move(c));
      }
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "读取推荐表");
    }
    v.check = CheckHonourForm(*ctx.spec, v.form, v.person);
    return v;
  }

  // The unit acts for its own list only; staff for any.
  StatusOr<Context> Writable(int64_t id, const Actor& actor) {
    TP_ASSIGN_OR_RETURN(auto ctx, Load(id));
    if (!actor.IsStaff()) {
      TP_ASSIGN_OR_RETURN(auto unit, store().GetUnit(ctx.item.unit_code));
      if (actor.role != "unit" || actor.unit_rowid != unit.rowid)
        return PermissionDenied("只能填写本单位推荐人员的推荐表");
    }
    return ctx;
  }

  Workflow& workflow;
  std::vector<HonourFormSpec> specs;
};

HonourForms::HonourForms(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HonourForms::~HonourForms() = default;

StatusOr<std::unique_ptr<HonourForms>> HonourForms::Create(Workflow& workflow,
                                                           const std::string& data_dir) {
  auto impl = std::make_unique<Impl>(workflow);
  TP_ASSIGN_OR_RETURN(auto kinds, AttachmentKinds(data_dir));
  const std::filesystem::path dir = std::filesystem::path(data_dir) / "forms" / "honour";
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  if (ec) return NotFound("读不到推荐表定义目录 forms/honour：" + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    bool ok = false;
    const std::string text = ReadWhole(path.string(), &ok);
    if (!ok) return NotFound("读不到 " + path.string());
    TP_ASSIGN_OR_RETURN(auto spec, HonourFormSpec::Parse(text, path.filename().string(), kinds));
    for (const std::string& rule_set : spec.rule_sets) {
      auto rules = workflow.rounds().GetRuleSet(rule_set);
      if (!rules.ok()) {
        return InvalidArgument(path.filename().string() + "：$.rule_sets 中的规则集「" + rule_set +
                               "」不存在");
      }
      if (impl->SpecFor(rule_set) != nullptr) {
        return InvalidArgument(path.filename().string() + "：规则集「" + rule_set +
                               "」已有另一份推荐表");
      }
    }
    impl->specs.push_back(std::move(spec));
  }
  auto forms = std::make_unique<HonourForms>(std::move(impl));
  HonourForms* self = forms.get();
  workflow.AddSubmitCheck([self](const Round& round, const RecommendationView& item) {
    return self->SubmitProblems(round, item);
  });
  return forms;
}

const HonourFormSpec* HonourForms::SpecForRuleSet(std::string_view rule_set) const {
  return impl_->SpecFor(rule_set);
}

const std::vector<HonourFormSpec>& HonourForms::Specs() const { return impl_->specs; }

StatusOr<HonourFormView> HonourForms::Get(int64_t recommendation_id) {
  TP_ASSIGN_OR_RETURN(auto ctx, impl_->Load(recommendation_id));
  return impl_->View(ctx);
}

StatusOr<HonourFormView> HonourForms::ForReview(int64_t recommendation_id) {
  TP_ASSIGN_OR_RETURN(auto view, Get(recommendation_id));
  view.person.id_number.clear();
  view.person.phone.clear();
  view.person.email.clear();
  view.id_number_mask.clear();
  view.phone_mask.clear();
  view.exclusions.clear();
  for (const HonourFieldSpec& f : view.spec->fields) {
    if (!f.allowed_chars.empty()) view.form.values.erase(f.key);  // 办公电话: a phone
  }
  return view;
}

StatusOr<HonourFormView> HonourForms::Put(int64_t recommendation_id, std::string_view json_text,
                                          const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto ctx, impl_->Writable(recommendation_id, actor));
  TP_ASSIGN_OR_RETURN(auto form, HonourFormFromJson(*ctx.spec, json_text));
  HonourFormCheck check = CheckHonourForm(*ctx.spec, form, ctx.item.submitted.person);
  std::vector<FieldError> errors;
  for (const FieldError& e : check.errors) {
    // The person fields are the recommendation's; the form refuses only its own boxes.
    if (ctx.spec->Field(e.field) != nullptr) errors.push_back(e);
  }
  if (!errors.empty()) return InvalidArgument(errors.front().message, errors);
  const std::string json = HonourFormToJson(*ctx.spec, form);
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
    try {
      SQLite::Database& w = batch->Connection();
      TP_ASSIGN_OR_RETURN(auto row, ChangeableItem(w, recommendation_id, "修改推荐表"));
      (void)row;
      const std::string sealed = SealForm(impl_->store().Keys(), json, recommendation_id);
      SQLite::Statement up(
          w,
          "INSERT INTO honour_forms(recommendation_id, form_code, form_enc, "
          "updated_by, updated_by_name) VALUES(?,?,?,?,?) "
          "ON CONFLICT(recommendation_id) DO UPDATE SET form_code=excluded.form_code, "
          "form_enc=excluded.form_enc, updated_by=excluded.updated_by, "
          "updated_by_name=excluded.updated_by_name, "
          "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now'), version=version+1");
      up.bind(1, recommendation_id);
      BindText(up, 2, ctx.spec->code);
      up.bind(3, sealed.data(), static_cast<int>(sealed.size()));
      BindText(up, 4, actor.id);
      BindText(up, 5, actor.name);
      up.exec();
      Json boxes = Json::array();
      for (const auto& [key, value] : form.values)
        if (!value.empty()) boxes.push_back(key);
      TP_RETURN_IF_ERROR(batch->Audit(actor.Entry(
          "update", "honour_form", std::to_string(recommendation_id),
          Json{{"round", ctx.round.code}, {"form", ctx.spec->code}, {"boxes", boxes}}.dump())));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "保存推荐表");
    }
  }
  return Get(recommendation_id);
}

StatusOr<HonourFormView> HonourForms::Answer(int64_t recommendation_id,
                                             const ExclusionAnswer& answer, const Actor& actor) {
  TP_ASSIGN_OR_RETURN(auto ctx, impl_->Writable(recommendation_id, actor));
  if (!ctx.rules.HasCheck(answer.check))
    return BadField("check",
                    "规则集「" + ctx.round.rule_set + "」没有核查项「" + answer.check + "」");
  if (answer.answer != "confirm" && answer.answer != "correct")
    return BadField("answer", "应为 confirm（确认符合条件并说明）或 correct（已更正）");
  TP_ASSIGN_OR_RETURN(auto view, impl_->View(ctx));
  const ExclusionCheck* raised = nullptr;
  for (const ExclusionCheck& c : view.exclusions)
    if (c.raised.code == answer.check) raised = &c;
  const std::string note = NormalizeText(answer.note);
  if (answer.answer == "confirm") {
    if (raised == nullptr) return PreconditionFailed("「" + answer.check + "」未被触发，无需确认");
    if (!raised->raised.confirmable)
      return RuleViolated("「" + raised->raised.rule + "」只能更正，不能确认：" +
                          raised->raised.message);
    if (note.empty()) return BadField("note", "确认时请说明理由");
  } else if (raised != nullptr) {
    return RuleViolated("数据仍显示：" + raised->raised.message + "；请先更正人员信息");
  }
  if (CountCharacters(note) > 500) return BadField("note", "说明不能超过500字");
  const std::string message = raised != nullptr ? raised->raised.message : "";
  {
    TP_ASSIGN_OR_RETURN(auto batch, impl_->store().BeginWrite());
    try {
      SQLite::Database& w = batch->Connection();
      TP_ASSIGN_OR_RETURN(auto row, ChangeableItem(w, recommendation_id, "回应核查"));
      (void)row;
      SQLite::Statement up(w,
                           "INSERT INTO exclusion_answers(recommendation_id, check_code, answer, "
                           "note, message, answered_by, answered_by_name) "
                           "VALUES(?,?,?,coalesce(?,''),coalesce(?,''),?,?) "
                           "ON CONFLICT(recommendation_id, check_code) DO UPDATE SET "
                           "answer=excluded.answer, note=excluded.note, message=excluded.message, "
                           "answered_by=excluded.answered_by, "
                           "answered_by_name=excluded.answered_by_name, "
                           "answered_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')");
      up.bind(1, recommendation_id);
      BindText(up, 2, answer.check);
      BindText(up, 3, answer.answer);
      BindText(up, 4, note);
      BindText(up, 5, message);
      BindText(up, 6, actor.id);
      BindText(up, 7, actor.name);
      up.exec();
      TP_RETURN_IF_ERROR(batch->Audit(actor.Entry("answer_check", "recommendation",
                                                  std::to_string(recommendation_id),
                                                  Json{{"round", ctx.round.code},
                                                       {"check", answer.check},
                                                       {"answer", answer.answer},
                                                       {"note", note},
                                                       {"message", message}}
                                                      .dump())));
      TP_RETURN_IF_ERROR(batch->Commit());
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "保存核查回应");
    }
  }
  return Get(recommendation_id);
}

std::vector<HonourPrintBox> HonourFormPrintBoxes(const HonourFormView& view,
                                                 bool sensitive_attributes) {
  const Person& p = view.person;
  std::vector<HonourPrintBox> out = {
      {"姓名", p.name},
      {"性别", p.gender},
      {"民族", sensitive_attributes ? p.ethnic_group : ""},
      {"出生年月", p.birth_date},
      {"籍贯", p.native_place},
      {"政治面貌", sensitive_attributes ? p.political_affiliation : ""},
  };
  bool has_address = false;
  for (const HonourPersonField& f : view.spec->person_fields) {
    const PersonField* field = FindPersonFieldByLabel(f.field);
    out.push_back({f.label, field == nullptr ? "" : field->TextOf(p)});
    has_address = has_address || f.field == "通讯地址";
  }
  out.push_back({"工作单位及职务", p.unit_name + (p.post.empty() ? "" : "　" + p.post), true});
  if (!view.group.empty()) out.push_back({"推荐组别", view.group});
  out.push_back({"手机", view.phone_mask});
  out.push_back({"电子邮箱", p.email});
  if (!has_address) out.push_back({"通讯地址", p.address});
  out.push_back({"邮编", p.postcode});
  for (const HonourFieldSpec& f : view.spec->fields) {
    const HonourValue* v = view.form.Get(f.key);
    const HonourValue empty;
    const HonourValue& value = v == nullptr ? empty : *v;
    HonourPrintBox box{f.key, "", true, f.stamp};
    switch (f.kind) {
      case HonourFieldSpec::Kind::kText:
        box.value = value.text;
        box.wide = f.stamp || f.max_chars == 0 || f.max_chars > 60;
        break;
      case HonourFieldSpec::Kind::kDate:
        box.value = value.text;
        box.wide = false;
        break;
      case HonourFieldSpec::Kind::kAccept:
        box.value = f.text + "\n" +
                    (value.text == "是" ? "候选人已接受推荐并作出上述承诺。" : "（未接受）");
        break;
      case HonourFieldSpec::Kind::kChoices:
        for (const std::string& choice : f.values) {
          const bool ticked =
              std::find(value.items.begin(), value.items.end(), choice) != value.items.end();
          box.value += (box.value.empty() ? "" : "\n") + std::string(ticked ? "☑" : "☐") + choice;
        }
        break;
      case HonourFieldSpec::Kind::kTexts:
        for (size_t i = 0; i < value.items.size(); ++i)
          box.value += (i == 0 ? "" : "\n\n") + std::to_string(i + 1) + ". " + value.items[i];
        break;
      case HonourFieldSpec::Kind::kRows:
        for (const auto& column : f.columns) box.columns.push_back(column.key);
        box.rows = value.rows;
        for (const auto& row : value.rows) {
          std::string line;
          for (const std::string& cell : row) line += (line.empty() ? "" : "　") + cell;
          box.value += (box.value.empty() ? "" : "\n") + line;
        }
        break;
    }
    out.push_back(std::move(box));
  }
  out.push_back({view.spec->opinion_label, view.opinion, true, true});
  return out;
}

std::vector<FieldError> HonourForms::SubmitProblems(const Round& round,
                                                    const RecommendationView& item) {
  const HonourFormSpec* spec = impl_->SpecFor(round.rule_set);
  if (spec == nullptr) return {};
  const std::string who =
      "「" +
      Label(item.submitted.person.name.empty() ? item.record.person : item.submitted.person) + "」";
  auto view = Get(item.id);
  if (!view.ok()) return {{spec->title, who + "：" + view.status().message(), 0}};
  std::vector<FieldError> out;
  for (const auto* list : {&view->check.errors, &view->check.missing, &view->missing_attachments}) {
    for (const FieldError& e : *list) out.push_back({spec->title, who + "：" + e.message, 0});
  }
  for (const ExclusionCheck& c : view->exclusions) {
    if (!c.open) continue;
    out.push_back(
        {c.raised.rule,
         who + "：" + c.raised.message + (c.raised.confirmable ? "（请确认或更正）" : "（请更正）"),
         0});
  }
  return out;
}

}  // namespace tp::registry
