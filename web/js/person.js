// A person's page: the record laid out as the 学员情况表 of the 2024 notice (附件1), then
// admissions, recommendations, honours and training history. What is masked or left
// out is the API's decision for the caller's role; the page shows what it is given.
// Staff may ask for a whole ID number or phone: the API logs each such reading. The form also
// downloads as a PDF (watermarked with who printed it and when) and as a Word file. Photos and
// stamped scans are listed below, with what an honour round still asks for (attachments.js).

import { call, get } from './api.js';
import { attachmentsSection } from './attachments.js';
import { kTrainingStates, provinceName, yesNo } from './labels.js';
import { clear, el, errorNotice, formatDateTime, notice, saveDownload, startPage } from './shell.js';

const main = document.getElementById('main');
const id = new URLSearchParams(location.search).get('id') || '';

// A cell's value: text, or a note when the API did not send the field at all (the role
// may not see it), or a dash when the record has none.
function value(person, key, format = (v) => v) {
  if (!(key in person)) return el('span', { class: 'withheld' }, '（无权查看）');
  const v = person[key];
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) {
    return el('span', { class: 'muted' }, '—');
  }
  return format(v);
}

const th = (text, attrs = {}) => el('th', { scope: 'row', ...attrs }, text);
const td = (content, attrs = {}) => el('td', attrs, content);

function formSheet(p) {
  const unitAndPost = p.unit || p.post ? [p.unit, p.post].filter(Boolean).join(' ') : null;
  return el('table', { class: 'form-sheet', id: 'form-sheet' },
    el('caption', {}, '学员情况表'),
    el('tbody', {},
      el('tr', {}, th('姓名'), td(value(p, 'name'), { class: 'name-cell' }), th('性别'), td(value(p, 'gender')),
        th('出生日期'), td(value(p, 'birth_date'))),
      el('tr', {}, th('籍贯'), td(value(p, 'native_place')), th('出生地'), td(value(p, 'birthplace')),
        th('民族'), td(value(p, 'ethnic_group'))),
      el('tr', {}, th('政治面貌'), td(value(p, 'political_affiliation')), th('身份证号'),
        td(value(p, 'id_number'), { colspan: 3, id: 'id-number' })),
      el('tr', {}, th('是否有国外永久居留权'), td(value(p, 'foreign_residence', yesNo)), th('特长爱好'),
        td(value(p, 'hobbies'), { colspan: 3 })),
      el('tr', {}, th('电子邮箱'), td(value(p, 'email')), th('手机'), td(value(p, 'phone'), { id: 'phone' }),
        th('是否院士'), td(value(p, 'academician', yesNo))),
      el('tr', {}, th('通讯地址'), td(value(p, 'address'), { colspan: 3 }), th('邮编'), td(value(p, 'postcode'))),
      el('tr', {}, th('工作单位及职务'), td(unitAndPost || el('span', { class: 'muted' }, '—'), { colspan: 3 }),
        th('技术职称'), td(value(p, 'title'))),
      el('tr', {}, th('在市级（含）以上人大、政协任职情况'), td(value(p, 'congress_posts'), { colspan: 5 })),
      el('tr', {}, th('在市级（含）以上科协组织、学术社团、行业协会等任职情况'),
        td(value(p, 'association_posts'), { colspan: 5 })),
      el('tr', {}, th('是否加入知联会、海联会、新联会等社团'), td(value(p, 'united_front_groups'), { colspan: 5 })),
      el('tr', {}, th('其他社会职务'), td(value(p, 'other_posts'), { colspan: 5 })),
      el('tr', { class: 'tall' }, th('主要工作和学习经历'), td(value(p, 'career'), { colspan: 5 })),
      el('tr', { class: 'tall' }, th('主要成就（工作成绩、成果、受奖励和荣誉称号等）'),
        td(value(p, 'achievements'), { colspan: 5 })),
      // Left blank as on the paper form: the unit writes it, stamps and dates it.
      el('tr', { class: 'opinion' }, th('推荐单位意见'), td('（盖章）　　年　　月　　日', { colspan: 5 }))));
}

function otherFacts(p) {
  const rows = [
    ['编号', value(p, 'id')],
    ['最高学历', value(p, 'education')],
    ['学位', value(p, 'degree')],
    ['毕业院校', value(p, 'graduated_from')],
    ['所学专业', value(p, 'major')],
    ['擅长领域', value(p, 'fields', (v) => v.join('、'))],
    ['所属群体', value(p, 'group_type')],
    ['在职状态', value(p, 'employment_status')],
    ['所在省份', value(p, 'province', provinceName)],
    ['推荐单位', p.recommending_unit
      ? `${p.recommending_unit.name}（${p.recommending_unit.type}）` : el('span', { class: 'muted' }, '—')],
    ['可否参加专题研修班', value(p, 'can_attend_seminar', yesNo)],
    ['可否参加国情研修活动', value(p, 'can_attend_study_tour', yesNo)],
    ['最后修改', value(p, 'updated_at', formatDateTime)],
  ];
  return el('dl', { class: 'facts' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function table(headers, rows, empty) {
  if (!rows.length) return el('p', { class: 'muted' }, empty);
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list' },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c ?? '—')))))));
}

function section(title, ...content) {
  return el('section', { class: 'card no-print' }, el('h2', {}, title), content);
}

// Round titles by code, for the person's recommendations; codes alone when the rounds
// cannot be read.
async function roundTitles() {
  try {
    return new Map((await get('rounds')).items.map((r) => [r.code, r.title]));
  } catch {
    return new Map();
  }
}

let reveal = [];

async function load() {
  const params = reveal.length ? { reveal: reveal.join(',') } : {};
  const [person, titles, history] = await Promise.all([
    get(`persons/${encodeURIComponent(id)}`, params), roundTitles(),
    get(`persons/${encodeURIComponent(id)}/trainings`)
  ]);
  render(person, titles, history.items);
}

// The 学员情况表 as a file (`format` pdf or docx), with the numbers the page shows whole: the
// API records such a download as a reveal, any other as an export.
async function downloadForm(format, button, messages) {
  button.disabled = true;
  try {
    const params = reveal.length ? { reveal: reveal.join(',') } : {};
    const response = await call('GET', `persons/${encodeURIComponent(id)}/form.${format}`, { params, raw: true });
    await saveDownload(response, `学员情况表-${id}.${format}`);
    clear(messages);
  } catch (error) {
    clear(messages, errorNotice(error));
  } finally {
    button.disabled = false;
  }
}

// How a training got to its state: 已邀请 → 已确认 → 已参加, each with when and by whom.
function stepsText(steps = []) {
  return steps
      .map((s) => {
        const who = s.by_name || (s.by ? s.by : '');
        return `${s.to_label || s.to}（${formatDateTime(s.at)}${who ? '，' + who : ''}）`;
      })
      .join(' → ');
}

function render(p, titles, history = []) {
  document.title = `${p.name} · 科技界党外代表人士库`;
  const me = document.body.dataset.role;
  const formMessages = el('div', { class: 'no-print', id: 'form-messages' });
  const formButton = (format, label) => {
    const button = el('button', { type: 'button', class: 'download', dataset: { form: format } }, label);
    button.addEventListener('click', () => downloadForm(format, button, formMessages));
    return button;
  };
  const actions = el('div', { class: 'actions no-print' },
    el('button', { type: 'button', class: 'primary', onclick: () => window.print() }, '打印学员情况表'),
    formButton('pdf', '下载学员情况表（PDF）'),
    formButton('docx', '下载学员情况表（Word）'),
    me === 'staff' && !p.revealed.includes('id_number') && p.id_number
      ? el('button', { type: 'button', onclick: () => { reveal = [...reveal, 'id_number']; refresh(); } },
        '查看完整身份证号') : null,
    me === 'staff' && !p.revealed.includes('phone') && p.phone
      ? el('button', { type: 'button', onclick: () => { reveal = [...reveal, 'phone']; refresh(); } },
        '查看完整手机号') : null);
  const revealedNote = p.revealed.length
    ? notice('warning', '正在显示完整号码：此次查看已记入审计日志，请勿截图外传。') : null;

  const admissions = p.admissions.map((a) => [`${a.year}年`, a.tier, a.batch, a.round, a.unit]);
  const honours = p.honours.map((h) => [h.title, h.year ? `${h.year}年` : '', h.campaign]);
  const stepsByEvent = new Map(history.map((h) => [h.event, h.steps]));
  const trainings = p.trainings.map(
      (t) =>
          [t.title, t.class, kTrainingStates[t.state] || t.state, t.year ? `${t.year}年` : '',
           stepsText(stepsByEvent.get(t.event))]);
  const recRows = p.rounds.map((code) => [titles.get(code) || code, code]);

  clear(
      main,
      el('div', {class: 'person-head no-print'},
         el('h1', {}, p.name, el('span', {class: 'person-id'}, p.id)),
         el('p', {class: 'muted'}, [p.unit, p.post, p.title].filter(Boolean).join(' · '))),
      actions, formMessages, revealedNote, el('div', {class: 'sheet'}, formSheet(p)),
      section('其他信息', otherFacts(p)),
      section(
          '入库记录',
          table(['入库年度', '人才类别', '批次', '推荐批次', '推荐单位'], admissions, '尚未入库')),
      section('推荐记录', table(['推荐批次', '代码'], recRows, '没有推荐记录')),
      attachmentsSection(p.id, p.rounds, titles, me === 'staff' || me === 'unit'),
      section('荣誉', table(['荣誉称号', '年度', '活动'], honours, '没有荣誉记录')),
      section(
          '培训经历', table(['培训', '班次', '状态', '年度', '经过'], trainings, '没有培训记录')));
}

async function refresh() {
  try {
    await load();
  } catch (error) {
    clear(main, errorNotice(error), el('p', {}, el('a', { href: 'index.html' }, '回到检索')));
  }
}

await startPage();
if (!/^P\d{7}$/.test(id)) {
  clear(main, notice('error', '地址中缺少人员编号（例如 person.html?id=P0000001）。'));
} else {
  refresh();
}
