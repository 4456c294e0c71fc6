// What the index needs to know about one person: the normalised Person plus the facts shown in
// a search document (admissions, honours, training history, recommending unit). Built from the
// registry's search records; the index never reads the registry's tables itself. The ID number
// of `person` is ignored here: the registry resolves ID numbers through its keyed hash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/base/person.h"

namespace tp::indexer {

struct AdmissionFact {
  int year = 0;            // 入库年度
  std::string tier;        // 人才类别: 领军人才 / 青年人才
  std::string round_code;  // the submission round
};

struct HonourFact {
  std::string campaign;  // e.g. 最美科技工作者
  int year = 0;
};

struct TrainingFact {
  std::string event_code;  // the cohort / event
  int year = 0;
  std::string state;  // invited / confirmed / attended / absent (or 已参加…)
};

struct UnitFact {
  std::string name;           // 推荐单位
  std::string type_code;      // 推荐单位类型
  std::string province_code;  // GB/T 2260 two digits
};

struct IndexRecord {
  int64_t rowid = 0;     // the registry's key; also the document's id in the index
  bool deleted = false;  // the person is gone: remove the document
  registry::Person person;
  std::vector<AdmissionFact> admissions;
  std::vector<HonourFact> honours;
  std::vector<TrainingFact> trainings;
  UnitFact recommending_unit;
};

// True when a training state means the person actually took part.
bool AttendedTraining(const TrainingFact& t);

}  // namespace tp::indexer
