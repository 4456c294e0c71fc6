// The person's fields in one table: for each, the API's key, the label of the forms and files
// with the other headings units use for it, the column of `persons`, its kind, and the forms that
// carry it. The store's column list, the import's column names, the API's keys and its OpenAPI
// schema, and the subsets of rounds and merges are all read from here: a new field is one row of
// kPersonFields plus a migration.
//
// The special cases, where a field's key is written out by hand: registry/fields/validate.cc,
// which parses the fields whose values are checked against a rule (a date, an ID number, a code
// list), and indexer/document_builder.cc, which decides how each field is searched.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/person.h"

namespace tp::registry {

enum class PersonFieldKind {
  kText,   // a string; empty means not given
  kYesNo,  // std::optional<bool>: 是 / 否 / not given
  kList,   // a list of strings (擅长领域), stored as a JSON array
  kSealed,  // 身份证号 and 手机: sealed, with a keyed hash and a mask beside them (store/crypto.h)
};

// Which forms and uses carry a field, as bits of PersonField::uses.
enum PersonFieldUse : unsigned {
  // The API's own key is accepted in a recommendation's `person`, beside the Chinese label.
  kRecommendationKey = 1u << 0,
  // A merge copies it into the kept record where that has nothing.
  kMergeFill = 1u << 1,
  // Shown only to callers who see sensitive attributes (民族, 政治面貌).
  kSensitiveAttribute = 1u << 2,
  // Never empty in a stored record (姓名): a string, not null, in the API.
  kRequired = 1u << 3,
};

struct PersonField {
  std::string_view key;    // the API's key, in snake_case
  std::string_view label;  // the canonical column of files and forms, as the forms print it
  // Other headings of the same column, '|'-separated, in NormalizeKey form.
  std::string_view aliases;
  std::string_view column;  // the column of `persons`; for kSealed the stem of its three columns
  PersonFieldKind kind;
  unsigned uses;                                     // PersonFieldUse bits
  std::string Person::*text = nullptr;               // kText and kSealed
  std::optional<bool> Person::*yes_no = nullptr;     // kYesNo
  std::vector<std::string> Person::*list = nullptr;  // kList

  bool Has(PersonFieldUse use) const { return (uses & use) != 0; }
  // The value as text: a list joined with 、, a yes/no as 是/否, empty when not given.
  std::string TextOf(const Person& person) const;
};

// Every person field, in the order of the API's person object.
std::span<const PersonField> PersonFields();

// The field with this API key, or nullptr.
const PersonField* FindPersonFieldByKey(std::string_view key);
// The field with this canonical label, or nullptr.
const PersonField* FindPersonFieldByLabel(std::string_view label);

// The aliases of a field, split.
std::vector<std::string_view> AliasesOf(const PersonField& field);

}  // namespace tp::registry
