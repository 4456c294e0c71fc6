// Recognising the posts that exempt a person from a round's quota, by the structure of how units
// write them rather than by a word anywhere in the text ([000] 二（三）, [001] 一（三）):
//
//   society leaders — 理事长, 监事长, 副理事长, 秘书长, 副秘书长 of a society itself:
//     「中国化学会副理事长」「中国化学会第三十一届理事会副理事长」, or a bare 「副秘书长」 in 职务
//     when the 工作单位 is the society; not of a branch (「中国铁道学会隧道分会秘书长」), not an
//     assistant (「理事长助理」), not honorary or former (「名誉理事长」「原秘书长」);
//   provincial deputies — 人大代表 (人大常委), 政协委员 (政协常委) and 科协代表大会代表 of a
//     province-level unit: 「广西壮族自治区第十四届人大代表」「政协广西壮族自治区委员会委员」
//     「广西科协第十次代表大会代表」; not of a city or county inside it
//     (「广西壮族自治区南宁市人大代表」), not national (「十三届全国政协委员」).
//
// A field's text is split into posts at 、，；,; and line breaks; a post that names no
// organisation of its own takes the one of the post before it (「中国化学会副理事长、秘书长」).
// The words that vary with an organisation's habits — the titles, the words that make an
// organisation a society or a branch — come from the rule set (SocietyPostWords); the grammar
// and the names of the province-level units (GB/T 2260) are here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tp::registry {

struct SocietyPostWords {
  std::vector<std::string> titles;  // 理事长, 副理事长, 常务副理事长, 监事长, 秘书长, 副秘书长
  std::vector<std::string> not_after;  // 名誉, 荣誉, 原, 前: the title is not held now, or not so
  std::vector<std::string> societies;  // 学会, 协会, 研究会: how a society's name ends
  std::vector<std::string> branches;   // 分会, 委员会, 专委会: a part of a society, not it
};

// Whether `posts` (one field's text) holds a society leader's post. `unit` is the person's
// 工作单位, the organisation of a bare title when `posts` is the 职务 field (`is_post_field`).
bool HoldsSocietyLeaderPost(std::string_view posts, std::string_view unit, bool is_post_field,
                            const SocietyPostWords& words);

// Whether `posts` (one field's text) holds a province-level 人大代表, 政协委员 or
// 科协代表大会代表 post.
bool HoldsProvincialDeputyPost(std::string_view posts);

}  // namespace tp::registry
