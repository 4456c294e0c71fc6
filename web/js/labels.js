// Words the pages show for the codes the API answers with.
//
// Province names: GB/T 2260 province-level division codes (first two digits), as in the
// 民政部 table the registry's data/regions.tsv is compiled from. Everything else the API
// already answers in Chinese (unit types, tiers, ethnic groups, age bands).

export const kProvinces = {
  11: '北京市', 12: '天津市', 13: '河北省', 14: '山西省', 15: '内蒙古自治区',
  21: '辽宁省', 22: '吉林省', 23: '黑龙江省',
  31: '上海市', 32: '江苏省', 33: '浙江省', 34: '安徽省', 35: '福建省', 36: '江西省', 37: '山东省',
  41: '河南省', 42: '湖北省', 43: '湖南省', 44: '广东省', 45: '广西壮族自治区', 46: '海南省',
  50: '重庆市', 51: '四川省', 52: '贵州省', 53: '云南省', 54: '西藏自治区',
  61: '陕西省', 62: '甘肃省', 63: '青海省', 64: '宁夏回族自治区', 65: '新疆维吾尔自治区',
  71: '台湾省', 81: '香港特别行政区', 82: '澳门特别行政区',
};

export function provinceName(code) {
  if (!code) return '';
  return kProvinces[String(code).slice(0, 2)] || String(code);
}

// The search filters (each also a facet), in the order the page lists them.
export const kFilters = [
  ['province', '省份'],
  ['unit_type', '推荐单位类型'],
  ['tier', '人才类别'],
  ['ethnic_group', '民族'],
  ['gender', '性别'],
  ['age_band', '年龄段'],
  ['round', '推荐批次'],
  ['year', '入库年度'],
  ['honour', '荣誉'],
  ['trained', '是否参加过培训'],
  ['trained_year', '培训年度'],
  ['group', '所属群体'],
  ['political', '政治面貌'],
];

export function filterValueLabel(filter, value) {
  if (filter === 'province') return provinceName(value);
  if (filter === 'trained') return value === 'yes' ? '参加过培训' : value === 'no' ? '未参加培训' : value;
  if (filter === 'year' || filter === 'trained_year') return `${value}年`;
  return value;
}

// What a highlighted snippet came from.
export const kHighlightFields = {
  name: '姓名',
  unit: '工作单位',
  post: '职务',
  title: '技术职称',
  fields: '擅长领域',
  achievements: '主要成就',
  career: '主要经历',
  place: '籍贯/出生地',
  ethnic_group: '民族',
  education: '学历',
  posts: '社会任职',
  recommending_unit: '推荐单位',
  honours: '荣誉',
};

export const kRoles = { staff: '中国科协工作人员', province: '省级科协工作人员', unit: '推荐单位',
  expert: '评审专家' };

// As registry/cohorts.cc names an enrolment's states.
export const kTrainingStates = {
  invited: '已邀请', confirmed: '已确认', waitlisted: '候补', declined: '已谢绝', removed: '已移出',
  attended: '已参加', absent: '缺席',
};

export const kRecommendationStates = {
  draft: '草稿', submitted: '已报送', under_review: '审核中', admitted: '已入库', returned: '已退回',
  rejected: '未通过', closed: '已结束',
};

// As docs/accounts.md names an account's and an invitation's states.
export const kAccountStates = { active: '正常', disabled: '停用', locked: '锁定' };

export const kInvitationStates = {
  sent: '已发送', opened: '已打开', submitted: '已提交', returned: '已退回', accepted: '已纳入名单', revoked: '已撤回',
  expired: '已过期',
};

export function yesNo(value) {
  if (value === true) return '是';
  if (value === false) return '否';
  return '';
}
