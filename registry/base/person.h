// A person of the registry: every field of the 学员情况表 [000], the 推荐学员汇总表
// [001] and the honour 推荐表 [002][003]. Values are normalised (NFKC, trimmed,
// canonical names for enumerations); `as_typed` keeps what was submitted for
// forms that must be reprinted as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tp::registry {

struct Person {
  int64_t rowid = 0;                  // SQLite key; 0 until stored
  std::string public_id;              // 编号, e.g. "P0000001"; assigned when absent
  std::string name;                   // 姓名
  std::string gender;                 // 性别: "男" or "女"
  std::string birth_date;             // 出生日期: "YYYY-MM-DD", or "YYYY-MM" from 出生年月
  std::string ethnic_group;           // 民族, canonical with suffix: "壮族"
  std::string native_place;           // 籍贯
  std::string birthplace;             // 出生地
  std::string political_affiliation;  // 政治面貌, GB/T 4762 full name: "九三学社社员"
  std::string id_number;              // 身份证号, 18 characters; plaintext only in memory
  std::string nationality;            // 国籍; empty means 中国
  std::optional<bool> foreign_residence;  // 是否有国外永久居留权
  std::string hobbies;                    // 特长爱好
  std::string email;                      // 电子邮箱
  std::string phone;                      // 手机; plaintext only in memory
  std::optional<bool> academician;        // 是否院士
  std::string address;                    // 通讯地址
  std::string postcode;                   // 邮编
  std::string unit_name;                  // 工作单位
  std::string post;                       // 职务
  std::string title;                      // 技术职称 (full name: 研究员, not 正高)
  std::string education;                  // 最高学历
  std::string degree;                     // 学位
  std::string graduated_from;             // 毕业院校
  std::string major;                      // 所学专业
  std::vector<std::string> fields;        // 擅长领域, split on 、，；,;
  std::string congress_posts;             // 在市级（含）以上人大、政协任职情况
  std::string association_posts;  // 在市级（含）以上科协组织、学术社团、行业协会等任职情况
  std::string united_front_groups;  // 是否加入知联会、海联会、新联会等社团
  std::string other_posts;          // 其他社会职务
  std::string career;               // 主要工作和学习经历
  std::string achievements;         // 主要成就
  std::string group_type;  // 所属群体: 新经济组织/新社会组织/新就业群体, or empty
  std::string employment_status;              // 在职/离退休/去世; empty means 在职
  std::optional<bool> can_attend_seminar;     // 可否参加专题研修班
  std::optional<bool> can_attend_study_tour;  // 可否参加国情研修活动
  std::string province;                       // 所在省份 as a GB/T 2260 two-digit code ("45")

  // Placement in the pool, as a pool file carries it (becomes units + admissions).
  std::string recommending_unit;  // 推荐单位
  std::string recommending_unit_type;  // 推荐单位类型, canonical label (全国学会, 省级科协, …;
                                       // data/unit_types.tsv)
  std::string tier;        // 人才类别: 领军人才/青年人才
  int admission_year = 0;  // 入库年度; 0 when not admitted
  std::string opinion;     // 推荐单位意见 (≤100 characters)

  // Column name -> the text exactly as submitted, for reprinting forms; only
  // for cells whose submitted text differs from the normalised value.
  std::vector<std::pair<std::string, std::string>> as_typed;

  bool operator==(const Person&) const = default;
};

}  // namespace tp::registry
