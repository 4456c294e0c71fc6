// The grammar of exempting posts (post_recognisers.h).
#include "registry/rounds/post_recognisers.h"

#include <algorithm>

#include "registry/fields/text.h"

namespace tp::registry {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Has(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

bool HasAny(std::string_view s, const std::vector<std::string>& parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [&](const std::string& p) { return !p.empty() && Has(s, p); });
}

// Every occurrence of `from` in `s` replaced by `to`; whether there was one.
bool ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  bool found = false;
  for (std::size_t at = s->find(from); at != std::string::npos;
       at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
    found = true;
  }
  return found;
}

// The last UTF-8 character of `s`; empty for an empty text.
std::string_view LastChar(std::string_view s) {
  if (s.empty()) return s;
  std::size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return s.substr(start);
}

// A society's name without the council or session it was written with:
// 「中国化学会第三十一届理事会」 → 「中国化学会」.
std::string_view WithoutCouncil(std::string_view org) {
  for (std::string_view council : {"常务理事会", "理事会", "监事会"}) {
    if (EndsWith(org, council)) {
      org.remove_suffix(council.size());
      break;
    }
  }
  if (EndsWith(org, "届")) {
    org.remove_suffix(std::string_view("届").size());
    static constexpr std::string_view kOrdinal = "第一二三四五六七八九十百零〇0123456789";
    while (!org.empty() && Has(kOrdinal, LastChar(org))) org.remove_suffix(LastChar(org).size());
  }
  return org;
}

// The society's own name: ends as a society does, and names no part of one.
bool IsSociety(std::string_view org, const SocietyPostWords& words) {
  org = WithoutCouncil(org);
  if (org.empty() || HasAny(org, words.branches)) return false;
  return std::any_of(words.societies.begin(), words.societies.end(),
                     [&](const std::string& s) { return !s.empty() && EndsWith(org, s); });
}

// The longest title `post` ends with; empty when none.
std::string_view TitleAtEnd(std::string_view post, const SocietyPostWords& words) {
  std::string_view best;
  for (const std::string& t : words.titles)
    if (t.size() > best.size() && EndsWith(post, t)) best = t;
  return best;
}

// The province-level units of GB/T 2260 (stable since 1997), with the short forms units write
// («广西», «内蒙古»): a deputy of one of these, and of none of its cities or counties, is
// provincial.
constexpr std::string_view kProvinces[] = {
    "北京市",           "天津市", "河北省",         "山西省",        "内蒙古自治区",
    "辽宁省",           "吉林省", "黑龙江省",       "上海市",        "江苏省",
    "浙江省",           "安徽省", "福建省",         "江西省",        "山东省",
    "河南省",           "湖北省", "湖南省",         "广东省",        "广西壮族自治区",
    "海南省",           "重庆市", "四川省",         "贵州省",        "云南省",
    "西藏自治区",       "陕西省", "甘肃省",         "青海省",        "宁夏回族自治区",
    "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区"};

std::string_view ShortName(std::string_view name) {
  for (std::string_view suffix :
       {"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"}) {
    if (EndsWith(name, suffix)) return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

// Words that make the place before a body a prefecture, county or township.
constexpr std::string_view kBelowProvince[] = {"市", "州", "县", "区", "旗", "盟", "乡", "镇"};

}  // namespace

bool HoldsSocietyLeaderPost(std::string_view posts, std::string_view unit, bool is_post_field,
                            const SocietyPostWords& words) {
  std::string carried;  // the organisation of the post before, for a bare title
  for (const std::string& part : SplitMultiValue(posts)) {
    const std::string post = NormalizeKey(part);
    const std::string_view title = TitleAtEnd(post, words);
    std::string_view before = std::string_view(post).substr(0, post.size() - title.size());
    if (title.empty()) {
      // 「理事」 names no organisation; 「中国化学会有机化学专业委员会副主任」 does.
      if (HasAny(post, words.societies) || HasAny(post, words.branches)) carried = post;
      continue;
    }
    bool held = true;
    for (const std::string& q : words.not_after) {
      if (!q.empty() && EndsWith(before, q)) {
        before.remove_suffix(q.size());
        held = false;
        break;
      }
    }
    std::string org(before);
    if (org.empty()) {
      org = !carried.empty() ? carried : is_post_field ? NormalizeKey(unit) : std::string();
      // A bare title under 科协及学会任职 is a society's post by the field's own meaning.
      if (org.empty() && !is_post_field && held) return true;
    } else {
      carried = org;
    }
    if (held && IsSociety(org, words)) return true;
  }
  return false;
}

bool HoldsProvincialDeputyPost(std::string_view posts) {
  for (const std::string& part : SplitMultiValue(posts)) {
    std::string post = NormalizeKey(part);
    ReplaceAll(&post, "中国人民政治协商会议", "政协");
    ReplaceAll(&post, "人民政治协商会议", "政协");
    ReplaceAll(&post, "人民代表大会", "人大");
    ReplaceAll(&post, "科学技术协会", "科协");
    const bool congress = Has(post, "人大") && (EndsWith(post, "代表") || EndsWith(post, "委员") ||
                                                EndsWith(post, "常委"));
    const bool consultative =
        Has(post, "政协") && (EndsWith(post, "委员") || EndsWith(post, "常委"));
    const bool association =
        Has(post, "科协") && (EndsWith(post, "代表大会代表") || EndsWith(post, "科协代表"));
    if (!congress && !consultative && !association) continue;
    if (Has(post, "全国") || Has(post, "中国科协")) continue;  // national
    // The place: a province named in full or short, or 省/自治区 alone; nothing below it left.
    bool provincial = false;
    for (std::string_view name : kProvinces) provincial |= ReplaceAll(&post, name, "");
    for (std::string_view name : kProvinces) provincial |= ReplaceAll(&post, ShortName(name), "");
    for (std::string_view generic : {"自治区", "直辖市", "省"})
      provincial |= ReplaceAll(&post, generic, "");
    if (!provincial) continue;
    const bool below = std::any_of(std::begin(kBelowProvince), std::end(kBelowProvince),
                                   [&](std::string_view w) { return Has(post, w); });
    if (!below) return true;
  }
  return false;
}

}  // namespace tp::registry
