// A person with every box of the 学员情况表 filled, for the tests and the benchmark of the forms
// (registry/forms/): `career_years` lines of 经历 and `achievements` items of 成就, then
// `last_achievement`, so that a long record runs onto further pages.
#pragma once

#include <string>

#include "registry/fields/masking.h"
#include "registry/store/store.h"

namespace tp::testing {

inline registry::PersonRecord SampleFormRecord(int career_years, int achievements,
                                               const std::string& last_achievement = "") {
  registry::PersonRecord r;
  registry::Person& p = r.person;
  p.public_id = "P0000123";
  p.name = "覃思远";
  p.gender = "女";
  p.birth_date = "1986-03-07";
  p.ethnic_group = "壮族";
  p.native_place = "广西南宁";
  p.birthplace = "广西柳州";
  p.political_affiliation = "九三学社社员";
  p.id_number = "450103198603070023";
  p.foreign_residence = false;
  p.hobbies = "书法、长跑";
  p.email = "qinsy@example.cn";
  p.phone = "13812345678";
  p.academician = false;
  p.address = "广西南宁市青秀区科园大道 <2> 号 & 附楼";
  p.postcode = "530007";
  p.unit_name = "广西大学化学化工学院";
  p.post = "副院长";
  p.title = "研究员";
  p.education = "博士研究生";
  p.degree = "工学博士";
  p.fields = {"催化化学", "绿色化工"};
  p.congress_posts = "南宁市政协委员";
  p.association_posts = "广西化学化工学会副理事长";
  p.united_front_groups = "南宁市新联会会员";
  p.other_posts = "《化工学报》编委";
  for (int year = 2004; year < 2004 + career_years; ++year) {
    if (!p.career.empty()) p.career += "\n";
    p.career += std::to_string(year) + "年—" + std::to_string(year + 1) +
                "年，在广西大学化学化工学院从事多相催化与反应工程研究，承担国家自然科学基金项目";
  }
  for (int i = 1; i <= achievements; ++i) {
    p.achievements += "成果" + std::to_string(i) +
                      "：提出低温选择性加氢的新型负载型催化剂，在区内三家企业应用，"
                      "年增效益逾千万元；发表论文十余篇，获授权发明专利若干项。";
  }
  p.achievements += last_achievement;
  p.opinion = "该同志政治立场坚定，业务能力突出，同意推荐。";
  r.id_number_mask = registry::MaskIdNumber(p.id_number);
  r.phone_mask = registry::MaskPhone(p.phone);
  return r;
}

}  // namespace tp::testing
