// The 推荐表 of an honour campaign (最美科技工作者 [002], 优秀党员科技工作者 [003]): which boxes
// the form has beyond the person record, their limits and which are required, as data
// (data/forms/honour/*.json, one file per kind of form naming the rule sets it serves), and
// one recommendation's filled-in form as a value.
//
// A form spec is read whole at start-up: a broken file fails it, naming the file and the JSON
// path. A form is read from JSON whose keys are the boxes' labels (推荐领域, 主要事迹, …); a key
// the form does not have is an error naming it, never dropped. Checking a form tells apart
//   errors   — what may not be stored (a value over its hard limit, an unknown choice);
//   missing  — required boxes still empty: stored, but the list cannot be submitted;
//   warnings — advice ("主要事迹1500字左右": outside 1,200–1,800 characters).
// Character counts are of non-blank code points, as the unit's page counts them.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/person.h"
#include "registry/base/status.h"

namespace tp::registry {

// One box of the form that the person record does not hold.
struct HonourFieldSpec {
  enum class Kind {
    kText,     // one text: max_chars; warn_below / warn_above; allowed_chars
    kChoices,  // ticks among `values`: min_items..max_items
    kRows,     // a table (学习工作经历): rows of `columns`, min_items..max_items
    kTexts,    // several texts (感人故事): min_items..max_items, each ≤ item_max_chars
    kAccept,   // a declaration (个人声明) the candidate accepts: `text`
    kDate,     // a date (入会时间), as the import reads dates
  };
  std::string key;  // the label, and the JSON key
  Kind kind = Kind::kText;
  bool required = false;
  int max_chars = 0;  // 0: no limit
  int warn_below = 0;
  int warn_above = 0;
  int min_items = 0;
  int max_items = 0;  // 0: no limit
  int item_max_chars = 0;
  std::vector<std::string> values;
  struct Column {
    std::string key;
    int max_chars = 0;
  };
  std::vector<Column> columns;
  std::string allowed_chars;  // when set, the only characters a text may hold
  std::string message;        // the notice's words, added to problems
  std::string text;           // kAccept: the declaration
  bool stamp = false;         // printed with room for the seal and date (所在单位意见)
  bool nominee = false;       // the candidate's own box: an invited nominee fills it in
};

// A box of the form filled from the person record, with the form's own label and conditions.
struct HonourPersonField {
  std::string label;  // as the form prints it (专业技术职务)
  std::string field;  // the person field's label (技术职称)
  bool required = false;
  std::vector<std::string> not_in;  // values refused (正高, 副高: not a full title)
  std::string message;
};

struct HonourAttachmentSpec {
  std::string kind;  // a kind of data/attachments.json
  std::string label;
  int min = 0;
};

class HonourFormSpec {
 public:
  // Parses and validates a spec; `source_name` prefixes every message. `attachment_kinds`
  // are the kinds the attachments accept (data/attachments.json).
  static StatusOr<HonourFormSpec> Parse(std::string_view json_text, std::string_view source_name,
                                        const std::vector<std::string>& attachment_kinds);

  std::string code;
  std::string title;
  std::string source;
  std::vector<std::string> rule_sets;
  std::string opinion_label;  // what the recommendation's 推荐意见 is called on this form
  std::vector<HonourPersonField> person_fields;
  std::vector<HonourFieldSpec> fields;
  std::vector<HonourAttachmentSpec> attachments;

  const HonourFieldSpec* Field(std::string_view key) const;
};

// The value of one box: `text` for kText, kDate (YYYY-MM-DD or YYYY-MM) and kAccept ("是" when
// accepted); `items` for kChoices and kTexts; `rows` (cells in the columns' order) for kRows.
struct HonourValue {
  std::string text;
  std::vector<std::string> items;
  std::vector<std::vector<std::string>> rows;

  bool empty() const { return text.empty() && items.empty() && rows.empty(); }
};

// One recommendation's form: boxes by key; an absent key is an empty box.
struct HonourForm {
  std::map<std::string, HonourValue, std::less<>> values;

  const HonourValue* Get(std::string_view key) const;
};

struct HonourFormCheck {
  std::vector<FieldError> errors;
  std::vector<FieldError> missing;
  std::vector<FieldError> warnings;
};

// Characters as the form counts them: code points that are not white space.
std::size_t FormCharacters(std::string_view utf8);

// Reads a form from a JSON object: InvalidArgument naming every unknown key and every value of
// the wrong shape ("主要事迹: 应为字符串"). Texts are normalised (NFC, trimmed); dates as the
// import reads them. Limits are CheckHonourForm's.
StatusOr<HonourForm> HonourFormFromJson(const HonourFormSpec& spec, std::string_view json_text);
// The form as a JSON object, boxes in the spec's order, empty boxes left out.
std::string HonourFormToJson(const HonourFormSpec& spec, const HonourForm& form);
// The form merged over `base`: every box `patch` names replaces base's.
HonourForm MergeHonourForm(const HonourForm& base, const HonourForm& patch);

// The form and the person fields it prints from `person` against the spec.
HonourFormCheck CheckHonourForm(const HonourFormSpec& spec, const HonourForm& form,
                                const Person& person);

}  // namespace tp::registry
