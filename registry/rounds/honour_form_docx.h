// The 推荐表 of an honour round as a Word document: read from the file a unit fills (the seed's
// layout of label and value boxes, or the registry's own print of it), and put on the unit's list
// with its form.
//
// Reading (ReadHonourDocx) walks the document's tables cell by cell (tables/ReadDocxTables):
//  - a label cell (姓名, 学历, 推荐领域, 主要事迹（1500字左右）, …; a note in brackets at its end
//  and
//    the blanks padding it ignored) is paired with the cell after it; a wide box whose label is
//    the first line of its own cell (主要事迹 above the text), or whose text is the row below,
//    is read as well;
//  - the person's boxes are the 汇总表 upload's columns (工作单位及职务, 手机, …) and the form's
//    person boxes under their form labels (学历 → 最高学历, 专业技术职务 → 技术职称);
//  - ticks: a choice preceded by ☑, √, ■, ✓, ✔ or ☒ (or followed by one, when the box's marks
//    come after its choices) is ticked, ☐ and □ are not; a box without any mark holds the
//    choices as written. 推荐组别 takes one of the rule set's groups;
//  - the 学习工作经历 box is the rows below its label: the label's row names the columns
//    (起止年月, 单位, 工作; the seed's 在何单位从事何工作 is split at its first blank into
//    单位 and 工作), each following row until the next label is a row of the box;
//  - 感人故事: items numbered 1. / 1、/ （1） start a new story; without numbers the box is one;
//  - the declaration (个人声明) is accepted when its box holds a tick or says 已接受;
//  - the seal and signature lines of the opinion boxes (（盖 章）, 年 月 日, 候选人签名：) are
//    not part of the opinion.
// What it reads is checked by the same code as the API's PUT (HonourFormFromJson and the form's
// own limits in CheckHonourForm): an unknown choice, a column the box does not have or a value
// past its limit is InvalidArgument naming the file and the label, and nothing is stored.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"
#include "registry/rounds/honour_form.h"
#include "registry/rounds/honour_forms.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/rounds/workflow.h"

namespace tp::registry {

struct HonourDocx {
  RecommendationInput input;         // the person's boxes, 推荐组别 and the opinion
  HonourForm form;                   // the form's own boxes
  std::vector<std::string> ignored;  // labels neither the person nor the form has (照片)
};

// Reads the 推荐表 of `spec` from `bytes`; `groups` are the rule set's 推荐组别.
StatusOr<HonourDocx> ReadHonourDocx(const HonourFormSpec& spec,
                                    const std::vector<std::string>& groups, std::string_view bytes,
                                    std::string_view filename);

// Whether `bytes` are a Word document holding the boxes of `spec`'s own form (a label of one of
// its fields in a cell): a 推荐表 rather than a 汇总表 written in Word. False for anything else.
bool IsHonourFormDocx(const HonourFormSpec& spec, std::string_view bytes);

struct HonourDocxImport {
  UploadReport report;  // recommendation_id 0 when the person was refused (errors)
  const HonourFormSpec* spec = nullptr;
};

// A unit's (or staff's) upload of a filled 推荐表 into `round`, an honour round with a form: the
// file is read and checked whole first; then the person goes on the unit's list as an uploaded
// row does (SummarySheets::UploadRecord: added, or the same person updated), and the form's
// boxes the file fills replace the stored ones (those it leaves empty stay as stored), through
// HonourForms::Put. NotFound when the round has no 推荐表.
StatusOr<HonourDocxImport> ImportHonourDocx(Workflow& workflow, HonourForms& forms,
                                            std::string_view round, int64_t unit_rowid,
                                            std::string_view bytes, std::string_view filename,
                                            const Actor& actor,
                                            const std::function<bool()>& may_check_id_number = {});

}  // namespace tp::registry
