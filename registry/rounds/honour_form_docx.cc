// The 推荐表 read from a Word document and put on the unit's list (honour_form_docx.h).
#include "registry/rounds/honour_form_docx.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "registry/fields/text.h"
#include "registry/fields/validate.h"
#include "registry/rounds/rules.h"
#include "registry/tables/table_reader.h"

namespace tp::registry {
namespace {

using Json = nlohmann::json;
using table_internal::QuotedFile;

constexpr std::string_view kGroupLabel = "推荐组别";
// Marks of a ticked box, and of an empty one.
constexpr std::string_view kTicks[] = {"☑", "√", "■", "✓", "✔", "☒", "⊠", "▣"};
constexpr std::string_view kBoxes[] = {"☐", "□"};
// The seed's one column for the place and the work of a row of 学习工作经历.
constexpr std::string_view kPlaceAndWork = "在何单位从事何工作";

// "主要事迹（1500字左右）" -> "主要事迹".
std::string Label(std::string_view text) { return table_internal::FormLabel(text); }

// The length of the blank (ASCII white space, NBSP, ideographic space) at `text[at]`, 0 if none.
std::size_t BlankAt(std::string_view text, std::size_t at) {
  if (at >= text.size()) return 0;
  const char c = text[at];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
  if (text.substr(at, 2) == "\xC2\xA0") return 2;
  if (text.substr(at, 3) == "\xE3\x80\x80") return 3;
  return 0;
}

std::string_view TrimBlanks(std::string_view text) {
  std::size_t n;
  while ((n = BlankAt(text, 0)) > 0) text.remove_prefix(n);
  for (bool more = true; more && !text.empty();) {
    more = false;
    for (std::size_t width : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (text.size() >= width && BlankAt(text, text.size() - width) == width) {
        text.remove_suffix(width);
        more = true;
        break;
      }
    }
  }
  return text;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find('\n', start);
    lines.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += (i == from ? "" : "\n") + lines[i];
  return std::string(TrimBlanks(out));
}

template <typename Marks>
bool HasMark(std::string_view text, const Marks& marks) {
  return std::any_of(std::begin(marks), std::end(marks),
                     [&](std::string_view m) { return text.find(m) != std::string_view::npos; });
}

// The lines a signature or seal leaves in a box: （盖 章）, 年 月 日 (filled or not), 候选人签名：.
bool IsSealLine(std::string_view line) {
  const std::string compact = NormalizeKey(line);  // NFKC: （盖章） -> (盖章)
  if (compact.empty()) return true;
  if (compact == "(盖章)" || compact == "盖章") return true;
  if (compact.rfind("候选人签名", 0) == 0 || compact.rfind("签名:", 0) == 0) return true;
  // 年月日 with or without its digits: 2024年3月20日.
  std::string letters;
  for (char c : compact)
    if (c < '0' || c > '9') letters += c;
  return letters == "年月日";
}

// A box's text without the seal and signature lines at its end.
std::string WithoutSeal(std::string_view text) {
  std::vector<std::string> lines = Lines(text);
  std::size_t end = lines.size();
  while (end > 0 && IsSealLine(lines[end - 1])) --end;
  return JoinLines(lines, 0, end);
}

// The blanks after `at` (or before it, when `backwards`) skipped.
std::size_t SkipBlanks(std::string_view text, std::size_t at, bool backwards) {
  if (!backwards) {
    while (std::size_t n = BlankAt(text, at)) at += n;
    return at;
  }
  for (bool more = true; more && at > 0;) {
    more = false;
    for (std::size_t width : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      if (at >= width && BlankAt(text, at - width) == width) {
        at -= width;
        more = true;
        break;
      }
    }
  }
  return at;
}

// The choices of `values` ticked in `text`; without any box mark, the choices as written.
StatusOr<std::vector<std::string>> Ticked(std::string_view text,
                                          const std::vector<std::string>& values,
                                          const std::string& label, std::string_view file) {
  std::vector<std::string> out;
  if (!HasMark(text, kTicks) && !HasMark(text, kBoxes)) {
    // The choices as written; what is left is refused as an unknown choice by the form.
    std::string rest(text);
    for (const std::string& value : values) {
      const std::size_t at = rest.find(value);
      if (at == std::string::npos) continue;
      out.push_back(value);
      rest.replace(at, value.size(), "、");
    }
    for (std::size_t at = 0; at < rest.size();) {
      const std::size_t n = BlankAt(rest, at);
      if (n == 0) {
        ++at;
        continue;
      }
      rest.replace(at, n, "、");
      at += std::string_view("、").size();
    }
    std::vector<std::string> unknown = SplitMultiValue(rest);
    // Every choice left standing, none struck out: the form as it came, nothing chosen.
    if (unknown.empty() && values.size() > 1 && out.size() == values.size()) out.clear();
    out.insert(out.end(), unknown.begin(), unknown.end());
    return out;
  }
  // Where each choice is written.
  std::vector<std::pair<std::size_t, const std::string*>> at;
  for (const std::string& value : values) {
    const std::size_t found = text.find(value);
    if (found != std::string_view::npos) at.emplace_back(found, &value);
  }
  auto starting = [&](std::size_t pos) -> const std::string* {
    for (const auto& entry : at)
      if (entry.first == pos) return entry.second;
    return nullptr;
  };
  auto ending = [&](std::size_t pos) -> const std::string* {
    for (const auto& entry : at)
      if (entry.first + entry.second->size() == pos) return entry.second;
    return nullptr;
  };
  // Marks written before their choices when the box starts with one (☐理科 ☑工科); else each
  // tick goes with the choice it touches, the one after it first (理科 ☑工科, 理科☑ 工科).
  std::string_view trimmed = TrimBlanks(text);
  const bool before =
      std::any_of(std::begin(kTicks), std::end(kTicks),
                  [&](std::string_view m) { return trimmed.substr(0, m.size()) == m; }) ||
      std::any_of(std::begin(kBoxes), std::end(kBoxes),
                  [&](std::string_view m) { return trimmed.substr(0, m.size()) == m; });
  std::size_t ticks = 0;
  for (std::string_view m : kTicks) {
    for (std::size_t pos = text.find(m); pos != std::string_view::npos;
         pos = text.find(m, pos + 1)) {
      ++ticks;
      const std::size_t end = pos + m.size();
      const std::string* chosen = starting(end);
      if (chosen == nullptr && !before) chosen = ending(pos);
      if (chosen == nullptr) chosen = starting(SkipBlanks(text, end, false));
      if (chosen == nullptr && !before) chosen = ending(SkipBlanks(text, pos, true));
      if (chosen != nullptr && std::find(out.begin(), out.end(), *chosen) == out.end())
        out.push_back(*chosen);
    }
  }
  // In the form's order.
  std::vector<std::string> ordered;
  for (const std::string& value : values)
    if (std::find(out.begin(), out.end(), value) != out.end()) ordered.push_back(value);
  out = std::move(ordered);
  if (ticks > out.size()) {
    std::string choices;
    for (const std::string& v : values) choices += (choices.empty() ? "" : "、") + v;
    return InvalidArgument(
        QuotedFile(file) + "中「" + label + "」勾选了表中没有的选项（可选：" + choices + "）",
        {{label, "勾选了表中没有的选项", 0}});
  }
  return out;
}

// 感人故事 as items: a line starting 1. / 1、/ （1） begins the next one.
std::vector<std::string> Stories(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  bool numbered = false;
  for (const std::string& raw : Lines(text)) {
    std::string_view line = TrimBlanks(raw);
    std::size_t at = 0;
    bool paren = false;
    for (std::string_view open : {"（", "("}) {
      if (line.substr(0, open.size()) == open) {
        at = open.size();
        paren = true;
      }
    }
    std::size_t digits = at;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    std::size_t marker = 0;
    if (digits > at && digits - at <= 2) {
      static constexpr std::string_view kParenClose[] = {"）", ")"};
      static constexpr std::string_view kNumberClose[] = {".", "、", "．"};
      for (std::string_view close :
           paren
               ? std::vector<std::string_view>(std::begin(kParenClose), std::end(kParenClose))
               : std::vector<std::string_view>(std::begin(kNumberClose), std::end(kNumberClose))) {
        if (line.substr(digits, close.size()) == close) marker = digits + close.size();
      }
    }
    if (marker > 0) {
      if (!TrimBlanks(current).empty()) items.emplace_back(TrimBlanks(current));
      current = std::string(TrimBlanks(line.substr(marker)));
      numbered = true;
      continue;
    }
    current += (current.empty() ? "" : "\n") + std::string(line);
  }
  if (!TrimBlanks(current).empty()) items.emplace_back(TrimBlanks(current));
  if (!numbered && !items.empty()) return {std::string(TrimBlanks(text))};
  return items;
}

class FormReader {
 public:
  FormReader(const HonourFormSpec& spec, const std::vector<std::string>& groups,
             std::string_view file)
      : spec_(spec), groups_(groups), file_(file) {}

  // The cover page first: the seed's puts 推荐领域 there, a line of its own above its choices.
  Status Read(const std::vector<std::string>& cover, const DocxTables& tables) {
    TP_RETURN_IF_ERROR(Cover(cover));
    for (const auto& table : tables) {
      for (const auto& row : table) TP_RETURN_IF_ERROR(Row(row));
    }
    return Status::Ok();
  }

  HonourDocx out;
  Json form = Json::object();

 private:
  enum class Box { kNone, kPerson, kGroup, kOpinion, kForm };
  struct Target {
    Box box = Box::kNone;
    std::string key;  // the person field, or the form's box
    const HonourFieldSpec* field = nullptr;
  };

  Target Classify(const std::string& label) const {
    if (label.empty()) return {};
    if (const HonourFieldSpec* f = spec_.Field(label)) return {Box::kForm, label, f};
    if (label == spec_.opinion_label) return {Box::kOpinion, label, nullptr};
    if (label == kGroupLabel) return {Box::kGroup, label, nullptr};
    for (const HonourPersonField& p : spec_.person_fields) {
      if (p.label == label) return {Box::kPerson, p.field, nullptr};
    }
    if (auto c = CanonicalColumn(label)) return {Box::kPerson, std::string(*c), nullptr};
    return {};
  }
  bool IsLabel(const std::string& text) const { return Classify(Label(text)).box != Box::kNone; }
  // A label, or a wide box headed by one (主要事迹 above its text).
  bool StartsBox(const std::string& text) const {
    return IsLabel(text) || Classify(Label(Lines(text)[0])).box != Box::kNone;
  }

  Status Row(const std::vector<std::string>& cells) {
    if (std::all_of(cells.begin(), cells.end(),
                    [](const std::string& c) { return TrimBlanks(c).empty(); })) {
      return Status::Ok();
    }
    if (rows_ != nullptr) {
      auto first = std::find_if(cells.begin(), cells.end(),
                                [](const std::string& c) { return !TrimBlanks(c).empty(); });
      if (!StartsBox(*first)) return RowOfBox(cells);
      rows_ = nullptr;
    }
    if (pending_.box != Box::kNone) {
      Target pending = std::move(pending_);
      pending_ = {};
      std::vector<const std::string*> filled;
      for (const std::string& c : cells)
        if (!TrimBlanks(c).empty()) filled.push_back(&c);
      if (filled.size() == 1 && !IsLabel(*filled[0])) return Assign(pending, *filled[0]);
    }
    for (std::size_t i = 0; i < cells.size();) {
      const std::string label = Label(cells[i]);
      if (label.empty()) {
        ++i;
        continue;
      }
      Target target = Classify(label);
      if (target.box == Box::kNone) {
        // A wide box with its label as the first line of its own cell: 主要事迹 above the text.
        std::vector<std::string> lines = Lines(cells[i]);
        Target first = Classify(Label(lines[0]));
        if (lines.size() > 1 && first.box != Box::kNone &&
            !(first.field && first.field->kind == HonourFieldSpec::Kind::kRows)) {
          TP_RETURN_IF_ERROR(Assign(first, JoinLines(lines, 1, lines.size())));
          ++i;
          continue;
        }
        out.ignored.push_back(label);
        i += (i + 1 < cells.size() && !IsLabel(cells[i + 1])) ? 2 : 1;
        continue;
      }
      if (target.field != nullptr && target.field->kind == HonourFieldSpec::Kind::kRows) {
        return StartRows(*target.field, cells, i + 1);
      }
      if (i + 1 < cells.size() && !IsLabel(cells[i + 1])) {
        TP_RETURN_IF_ERROR(Assign(target, cells[i + 1]));
        i += 2;
        continue;
      }
      if (i + 1 == cells.size()) pending_ = target;  // its text may be the row below
      ++i;
    }
    return Status::Ok();
  }

  // The form's own boxes on the cover page: a line 「label：text」, or 「label：」 followed by
  // lines of choices with their box marks (□解决重大科学问题… ☑科技服务民生). The person's
  // lines there (候选人姓名, 工作单位) repeat the table's and are left to it.
  Status Cover(const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      std::size_t colon = line.find("：");
      std::size_t after = colon + std::string_view("：").size();
      if (colon == std::string::npos) {
        colon = line.find(':');
        after = colon + 1;
      }
      if (colon == std::string::npos) continue;
      const Target target = Classify(Label(line.substr(0, colon)));
      if (target.box != Box::kForm) continue;
      std::string text(TrimBlanks(std::string_view(line).substr(after)));
      const auto choices = [](std::string_view l) {
        return HasMark(l, kBoxes) || HasMark(l, kTicks);
      };
      if (text.empty() || choices(text)) {
        while (i + 1 < lines.size() && choices(lines[i + 1])) {
          text += (text.empty() ? "" : "\n") + lines[++i];
        }
      }
      TP_RETURN_IF_ERROR(Assign(target, text));
    }
    return Status::Ok();
  }

  // The column headings after the label of a table box: 起止年月 | 单位 | 工作.
  Status StartRows(const HonourFieldSpec& field, const std::vector<std::string>& cells,
                   std::size_t from) {
    rows_ = &field;
    columns_.clear();
    for (std::size_t i = from; i < cells.size(); ++i) {
      const std::string heading = Label(cells[i]);
      if (heading.empty()) continue;
      int index = -1;
      for (std::size_t c = 0; c < field.columns.size(); ++c)
        if (field.columns[c].key == heading) index = static_cast<int>(c);
      if (index < 0 && heading == kPlaceAndWork) index = kSplitPlace;
      if (index == -1) {
        return InvalidArgument(
            QuotedFile(file_) + "中「" + field.key + "」没有「" + heading + "」一栏",
            {{field.key, "没有「" + heading + "」一栏", 0}});
      }
      columns_.push_back(index);
    }
    if (columns_.empty()) {
      // No headings: the columns in the form's order.
      for (std::size_t c = 0; c < field.columns.size(); ++c)
        columns_.push_back(static_cast<int>(c));
    }
    return Status::Ok();
  }

  Status RowOfBox(const std::vector<std::string>& cells) {
    std::size_t skip = 0;  // a blank cell under the box's label, when it was not merged
    while (cells.size() - skip > columns_.size() && skip < cells.size() &&
           TrimBlanks(cells[skip]).empty()) {
      ++skip;
    }
    if (cells.size() - skip > columns_.size()) {
      return InvalidArgument(QuotedFile(file_) + "中「" + rows_->key + "」的一行有" +
                                 std::to_string(cells.size() - skip) + "格，表头只有" +
                                 std::to_string(columns_.size()) + "栏",
                             {{rows_->key, "行的格数多于表头", 0}});
    }
    Json row = Json::object();
    for (std::size_t i = 0; i < columns_.size() && skip + i < cells.size(); ++i) {
      std::string text(TrimBlanks(cells[skip + i]));
      if (text.empty()) continue;
      if (columns_[i] == kSplitPlace) {
        std::size_t at = 0;
        while (at < text.size() && BlankAt(text, at) == 0) ++at;
        row[Place()] = text.substr(0, at);
        std::string work(TrimBlanks(std::string_view(text).substr(at)));
        if (!work.empty()) row[Work()] = work;
      } else {
        row[rows_->columns[static_cast<std::size_t>(columns_[i])].key] = text;
      }
    }
    if (!row.empty()) form[rows_->key].push_back(std::move(row));
    return Status::Ok();
  }

  // The columns the seed's 在何单位从事何工作 is split into: the second and the third.
  std::string Place() const { return rows_->columns.size() > 1 ? rows_->columns[1].key : ""; }
  std::string Work() const { return rows_->columns.size() > 2 ? rows_->columns[2].key : Place(); }

  Status Assign(const Target& target, std::string_view raw) {
    const std::string text = WithoutSeal(raw);
    if (target.box == Box::kForm && target.field->kind == HonourFieldSpec::Kind::kAccept) {
      return Accept(*target.field, raw);
    }
    if (text.empty()) return Status::Ok();  // an empty box says nothing
    switch (target.box) {
      case Box::kNone: break;
      case Box::kPerson:
        // A masked value (the registry's print of 手机: 139****0001) says nothing.
        if (text.find('*') == std::string::npos && text.find("＊") == std::string::npos)
          out.input.cells.emplace_back(target.key, text);
        break;
      case Box::kOpinion: out.input.opinion = text; break;
      case Box::kGroup: {
        TP_ASSIGN_OR_RETURN(auto ticked, Ticked(text, groups_, target.key, file_));
        if (ticked.size() > 1) {
          return InvalidArgument(QuotedFile(file_) + "中「推荐组别」只能勾选一项",
                                 {{target.key, "只能勾选一项", 0}});
        }
        if (!ticked.empty()) out.input.group = ticked[0];
        break;
      }
      case Box::kForm:
        switch (target.field->kind) {
          case HonourFieldSpec::Kind::kChoices: {
            TP_ASSIGN_OR_RETURN(auto ticked, Ticked(text, target.field->values, target.key, file_));
            if (!ticked.empty()) form[target.key] = ticked;
            break;
          }
          case HonourFieldSpec::Kind::kTexts: form[target.key] = Stories(text); break;
          default: form[target.key] = text; break;
        }
        break;
    }
    return Status::Ok();
  }

  // The declaration is accepted when its box, the declaration's own words left out, holds a
  // tick or says 已接受.
  Status Accept(const HonourFieldSpec& field, std::string_view raw) {
    std::string rest(raw);
    if (!field.text.empty()) {
      for (std::size_t at = rest.find(field.text); at != std::string::npos;
           at = rest.find(field.text))
        rest.erase(at, field.text.size());
    }
    const bool accepted = (HasMark(rest, kTicks) || rest.find("已接受") != std::string::npos) &&
                          rest.find("未接受") == std::string::npos;
    if (accepted) form[field.key] = true;
    return Status::Ok();
  }

  static constexpr int kSplitPlace = -2;
  const HonourFormSpec& spec_;
  const std::vector<std::string>& groups_;
  std::string_view file_;
  const HonourFieldSpec* rows_ = nullptr;  // reading the rows of this table box
  std::vector<int> columns_;               // its columns, by heading
  Target pending_;                         // a label whose text may be the next row
};

}  // namespace

StatusOr<HonourDocx> ReadHonourDocx(const HonourFormSpec& spec,
                                    const std::vector<std::string>& groups, std::string_view bytes,
                                    std::string_view filename) {
  std::vector<std::string> cover;
  TP_ASSIGN_OR_RETURN(auto tables, ReadDocxTables(bytes, filename, {}, &cover));
  FormReader reader(spec, groups, filename);
  TP_RETURN_IF_ERROR(reader.Read(cover, tables));
  HonourDocx out = std::move(reader.out);
  // The boxes as the API's PUT reads and limits them.
  auto form = HonourFormFromJson(spec, reader.form.dump());
  std::vector<FieldError> errors;
  if (!form.ok()) {
    errors = form.status().details();
    if (errors.empty()) errors.push_back({"", form.status().message(), 0});
  } else {
    for (const FieldError& e : CheckHonourForm(spec, *form, Person{}).errors) {
      if (spec.Field(e.field) != nullptr) errors.push_back(e);
    }
  }
  if (!errors.empty()) {
    std::string message = QuotedFile(filename) + "中的推荐表有误：";
    for (std::size_t i = 0; i < errors.size(); ++i) {
      message += (i == 0 ? "" : "；") + errors[i].message;
    }
    return InvalidArgument(message, errors);
  }
  out.form = std::move(*form);
  return out;
}

bool IsHonourFormDocx(const HonourFormSpec& spec, std::string_view bytes) {
  if (bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4)) return false;
  auto tables = ReadDocxTables(bytes, "");
  if (!tables.ok()) return false;
  for (const auto& table : *tables) {
    for (const auto& row : table) {
      for (const std::string& cell : row) {
        if (spec.Field(Label(cell)) != nullptr || spec.Field(Label(Lines(cell)[0])) != nullptr)
          return true;
      }
    }
  }
  return false;
}

StatusOr<HonourDocxImport> ImportHonourDocx(Workflow& workflow, HonourForms& forms,
                                            std::string_view round_code, int64_t unit_rowid,
                                            std::string_view bytes, std::string_view filename,
                                            const Actor& actor,
                                            const std::function<bool()>& may_check_id_number) {
  TP_ASSIGN_OR_RETURN(auto round, workflow.rounds().GetRound(round_code));
  const HonourFormSpec* spec = forms.SpecForRuleSet(round.rule_set);
  if (spec == nullptr) return NotFound("推荐批次「" + round.code + "」没有推荐表");
  TP_ASSIGN_OR_RETURN(auto rules, workflow.rounds().GetRuleSet(round.rule_set));
  TP_ASSIGN_OR_RETURN(auto read, ReadHonourDocx(*spec, rules.groups(), bytes, filename));
  HonourDocxImport out;
  out.spec = spec;
  SummarySheets sheets(workflow);
  TP_ASSIGN_OR_RETURN(out.report, sheets.UploadRecord(round_code, unit_rowid, read.input, filename,
                                                      "docx", actor, may_check_id_number));
  out.report.ignored_columns = read.ignored;
  if (!out.report.errors.empty()) {
    out.report.recommendation_id = 0;
    for (FieldError& e : out.report.errors) e.message = QuotedFile(filename) + "：" + e.message;
    return out;
  }
  TP_ASSIGN_OR_RETURN(auto stored, forms.Get(out.report.recommendation_id));
  HonourForm merged = MergeHonourForm(stored.form, read.form);
  TP_ASSIGN_OR_RETURN(
      auto put, forms.Put(out.report.recommendation_id, HonourFormToJson(*spec, merged), actor));
  (void)put;
  return out;
}

}  // namespace tp::registry
