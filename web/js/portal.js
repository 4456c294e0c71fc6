// The recommending unit's page for a round: its deadline, the live quota state (used,
// remaining, composition minimums, people exempt from the quota), adding a person with an
// instant "already enrolled" check, uploading the 推荐学员汇总表 with the annotated copy of
// failed rows to download, the list with each person's 推荐意见, and submitting.
// A person already in the pool is added by 编号 or picked from the unit's own people;
// in a round of the pool (not an honour campaign) people admitted earlier need not be
// recommended again, and the page says so instead of offering to add them.
// Staff reach the same page for any unit with ?unit=CODE. Every rule is the API's: the
// page shows the quota state and the refusals it answers. Below, the unit marks whether its
// admitted people can attend the events that ask (availability.js).

import { ApiError, call, get, post, upload } from './api.js';
import { availabilitySection } from './availability.js';
import { kRecommendationStates } from './labels.js';
import { chooseRound, roundPicker, summaryDownloads } from './rounds.js';
import { clear, el, errorNotice, formatDateTime, notice, saveDownload, startPage } from './shell.js';

const params = new URLSearchParams(location.search);
const messages = document.getElementById('messages');
const roundNode = document.getElementById('round');
const checkNode = document.getElementById('check');
const peopleNode = document.getElementById('people');

const kAffiliations = ['民革党员', '民盟盟员', '民建会员', '民进会员', '农工党党员', '致公党党员', '九三学社社员',
  '台盟盟员', '无党派人士', '群众'];
const kGroups = ['新经济组织', '新社会组织', '新就业群体'];

let me = null;
let unitCode = '';   // for staff acting for a unit
let round = null;    // the round shown
let ruleSet = null;  // its rule set's body
let submission = null;

const withUnit = (more = {}) => (unitCode ? { unit: unitCode, ...more } : more);

function timeLeft(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  if (!(ms > 0)) return '已截止';
  const days = Math.floor(ms / 86400000);
  const hours = Math.floor((ms % 86400000) / 3600000);
  return days ? `还剩 ${days} 天 ${hours} 小时` : `还剩 ${hours} 小时`;
}

// The answer of an enrolment check, in words: for a unit the API tells only whether and
// when, never who recommended the person.
function enrolmentNotice(answer) {
  if (!answer.enrolled) return notice('ok', '未查到入库记录，可以推荐。');
  const when = answer.year ? `${answer.year}年` : '此前';
  const via = answer.round ? `（${answer.round}）` : '';
  return notice('warning', `该人员已于${when}入库${via}，无需重复推荐。`);
}

// Checks an ID number as soon as it is complete; answers into `result`.
function watchIdNumber(input, result) {
  let last = '';
  input.addEventListener('input', async () => {
    const v = input.value.trim().toUpperCase();
    if (v.length !== 18) {
      last = '';
      clear(result);
      return;
    }
    if (v === last) return;
    last = v;
    clear(result, el('p', { class: 'muted' }, '正在查询是否已入库……'));
    try {
      const answer = await post('enrollment-check', { id_number: v });
      if (last === v) clear(result, enrolmentNotice(answer));
    } catch (error) {
      if (last === v) clear(result, errorNotice(error));
    }
  });
}

function quotaCard(q) {
  const limit = q.max === null ? '不限' : `${q.max} 人`;
  const meter = el('div', { class: q.remaining === 0 && q.violations.length ? 'meter over' : 'meter' }, el('span'));
  if (q.max) meter.firstChild.style.width = `${Math.min(100, (100 * q.used) / q.max)}%`;
  return el('div', { class: 'quota', id: 'quota' },
    el('h3', {}, q.quota || '名额'),
    el('p', { class: 'quota-figures' },
      `已占名额 `, el('strong', { id: 'quota-used' }, String(q.used)), ` 人 / 上限 ${limit}`,
      q.remaining !== null ? ['，剩余 ', el('strong', { id: 'quota-remaining' }, String(q.remaining)), ' 人'] : null),
    q.max ? meter : null,
    q.minimums.length ? el('ul', { class: 'minimums' }, q.minimums.map((m) => el('li', {
      class: m.met ? 'met' : 'unmet',
    }, m.met ? '✓ ' : '✗ ', `${m.name}：已有 ${m.have} 人`, m.applies ? '' : '（人数达到后才计算）'))) : null,
    q.exempt.length ? el('div', {},
      el('h3', {}, `不占名额（应推尽推）：${q.exempt.length} 人`),
      el('ul', {}, q.exempt.map((e) => el('li', {}, `${e.who}：${e.reason}`)))) : null,
    q.violations.length ? notice('error', '目前不能报送：', q.violations.map((v) => ({ field: v.rule, message: v.message })))
      : null);
}

function roundCard() {
  const w = submission.window;
  const state = kRecommendationStates[submission.state] || submission.state;
  return [
    el('h2', {}, round.title),
    el('p', { class: 'deadline' },
      '截止时间：', el('strong', {}, formatDateTime(w.deadline)), '（北京时间）',
      w.extended ? el('span', { class: 'tag ok' }, '已为本单位延期') : null, ' ',
      el('span', { class: w.open ? 'tag' : 'tag bad' }, w.open ? timeLeft(w.deadline) : '已截止')),
    el('p', {}, '名单状态：', el('strong', { id: 'submission-state' }, state),
      submission.submitted_at ? `（${formatDateTime(submission.submitted_at)} 报送）` : ''),
    quotaCard(submission.quota),
  ];
}

// The 推荐组别 a person of this unit may be put in (honour campaigns sort candidates into
// groups: 理科, 工科, … or 地市 for a city's association), or none.
function groupChoices() {
  if (!ruleSet || !ruleSet.groups) return [];
  const type = submission.unit && submission.unit.type;
  const quota = (ruleSet.quotas || []).find((q) => (q.unit_types || []).includes(type) && q.groups);
  return (quota && quota.groups) || ruleSet.groups.values || [];
}

function groupSelect(label) {
  const choices = groupChoices();
  if (!choices.length) return null;
  return el('select', { name: 'group', 'aria-label': label },
    choices.length > 1 ? el('option', { value: '' }, '请选择') : null,
    choices.map((g) => el('option', {}, g)));
}

// The year a person was first admitted, from a person's page (admissions) or a search
// hit (admission_year).
function admittedIn(person) {
  if (person.admissions && person.admissions.length) return Math.min(...person.admissions.map((a) => a.year));
  return person.admission_year || 0;
}

// The round takes back people admitted before only when it is not the pool's own.
function reRecommends() {
  return Boolean(round.campaign && round.campaign.kind !== 'pool');
}

function candidatesTable(people) {
  if (!people.length) return el('p', { class: 'muted' }, '没有找到这位人员。');
  const listed = new Set(submission.items.map((i) => i.person.id));
  const group = groupSelect('推荐组别');
  const rows = people.map((p) => {
    const year = admittedIn(p);
    let action;
    if (listed.has(p.id)) {
      action = el('span', { class: 'tag' }, '已在本单位名单中');
    } else if (year && !reRecommends()) {
      action = el('span', { class: 'tag warn' }, `已于${year}年入库，无需重复推荐`);
    } else {
      action = el('button', {
        type: 'button',
        onclick: async (event) => {
          event.target.disabled = true;
          const body = { person_id: p.id };
          if (group && group.value) body.group = group.value;
          try {
            const added = await post(`rounds/${encodeURIComponent(round.code)}/recommendations`, body,
              { params: withUnit() });
            await loadSubmission();
            clear(document.getElementById('existing-result'),
              notice('ok', `已将 ${added.item.person.name} 加入推荐名单。`));
          } catch (error) {
            event.target.disabled = false;
            clear(document.getElementById('existing-result'), errorNotice(error));
          }
        },
      }, `将${p.name}加入名单`);
    }
    return el('tr', { dataset: { person: p.id } },
      el('td', {}, el('a', { href: `person.html?id=${encodeURIComponent(p.id)}` }, p.name)),
      el('td', {}, p.id),
      el('td', {}, [p.unit, p.post].filter(Boolean).join(' ')),
      el('td', {}, year ? `${year}年入库` : '未入库'),
      el('td', {}, action));
  });
  return [
    group ? el('label', { class: 'row' }, '推荐组别', group) : null,
    el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'existing-candidates' },
      el('thead', {}, el('tr', {}, ['姓名', '编号', '工作单位及职务', '入库情况', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
  ];
}

// Adding someone the pool already holds: by 编号, or from the unit's own people.
function existingSection() {
  const listNode = el('div', { id: 'existing-list', 'aria-live': 'polite' });
  const result = el('div', { id: 'existing-result', 'aria-live': 'polite' });
  const idInput = el('input', { type: 'text', name: 'person_id', maxlength: 8, autocomplete: 'off', spellcheck: 'false',
    placeholder: '如 P0000123' });
  const byId = el('form', { class: 'row', id: 'existing-by-id' },
    el('label', { class: 'row' }, '人员编号', idInput), el('button', { type: 'submit' }, '查找'));
  byId.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    const id = idInput.value.trim().toUpperCase();
    if (!/^P\d{7}$/.test(id)) {
      clear(listNode, notice('error', '字段「人员编号」：应为 P 加 7 位数字，如 P0000123'));
      return;
    }
    try {
      clear(listNode, candidatesTable([await get(`persons/${id}`)]));
    } catch (error) {
      clear(listNode, errorNotice(error));
    }
  });
  const nameInput = el('input', { type: 'search', name: 'q', autocomplete: 'off', placeholder: '姓名、拼音或首字母；不填则列出全部' });
  const byName = el('form', { class: 'row', id: 'existing-by-name' },
    el('label', { class: 'row' }, '本单位推荐过的人员', nameInput), el('button', { type: 'submit' }, '列出'));
  byName.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    try {
      // A unit's search is its own people already; staff acting for it narrow theirs.
      const scope = unitCode && submission.unit ? ` 推荐单位:"${submission.unit.name.replaceAll('"', '')}"` : '';
      const answer = await get('search', { q: (nameInput.value.trim() + scope).trim(), size: 20 });
      clear(listNode, el('p', { class: 'summary' }, `找到 ${answer.total} 人`,
        answer.total > answer.hits.length ? `，只列出前 ${answer.hits.length} 人：请输入姓名缩小范围。` : '。'),
      candidatesTable(answer.hits));
    } catch (error) {
      clear(listNode, errorNotice(error));
    }
  });
  const hint = reRecommends()
    ? '库中已有的人员（含已入库人员）可以直接加入本次推荐，无需重新填写信息。'
    : '已推荐入库的人员不必再次推荐；以往推荐过但未入库的人员可以按编号或从下面的名单再次加入。';
  return [el('h3', {}, '加入库中已有人员'), el('p', { class: 'hint', id: 'existing-hint' }, hint), byId, byName, listNode,
    result];
}

function editable() {
  return submission.window.open && ['draft', 'returned'].includes(submission.state);
}

function addForm() {
  const required = new Set((ruleSet && ruleSet.required_fields) || ['姓名']);
  const field = (label, input, { wide = false, column = label } = {}) => {
    if (required.has(column)) input.required = true;
    return el('label', { class: wide ? 'wide' : false }, label + (required.has(column) ? ' *' : ''), input);
  };
  const idResult = el('div', { class: 'wide', 'aria-live': 'polite' });
  const idInput = el('input', { type: 'text', name: 'id_number', maxlength: 18, autocomplete: 'off', spellcheck: 'false' });
  watchIdNumber(idInput, idResult);
  const opinionMax = (ruleSet && ruleSet.opinion && ruleSet.opinion.max_chars) || 0;
  const declarable = (ruleSet && ruleSet.declarable) || [];
  const form = el('form', { class: 'grid-form', id: 'add-form', autocomplete: 'off' },
    field('身份证号', idInput), idResult,
    field('姓名', el('input', { type: 'text', name: 'name' })),
    field('性别', el('select', { name: 'gender' }, el('option', { value: '' }, '请选择'),
      el('option', {}, '男'), el('option', {}, '女'))),
    field('出生日期', el('input', { type: 'date', name: 'birth_date' })),
    field('民族', el('input', { type: 'text', name: 'ethnic_group', placeholder: '如 汉族、壮族' })),
    field('政治面貌', el('input', { type: 'text', name: 'political_affiliation', list: 'affiliations' })),
    el('datalist', { id: 'affiliations' }, kAffiliations.map((a) => el('option', { value: a }))),
    field('工作单位', el('input', { type: 'text', name: 'unit' })),
    field('职务', el('input', { type: 'text', name: 'post' })),
    field('技术职称', el('input', { type: 'text', name: 'title', placeholder: '全称，如 研究员' })),
    field('最高学历', el('input', { type: 'text', name: 'education' })),
    field('擅长领域', el('input', { type: 'text', name: 'fields', placeholder: '多个用顿号分隔' })),
    field('手机', el('input', { type: 'tel', name: 'phone' })),
    field('电子邮箱', el('input', { type: 'email', name: 'email' })),
    field('所属群体', el('select', { name: 'group_type' }, el('option', { value: '' }, '无'),
      kGroups.map((g) => el('option', {}, g))), { column: '所属群体' }),
    field('可否参加专题研修班', el('select', { name: 'can_attend_seminar' },
      el('option', { value: '' }, '未填'), el('option', {}, '是'), el('option', {}, '否'))),
    field('可否参加国情研修活动', el('select', { name: 'can_attend_study_tour' },
      el('option', { value: '' }, '未填'), el('option', {}, '是'), el('option', {}, '否'))),
    groupChoices().length ? field('推荐组别', groupSelect('推荐组别'), { column: '推荐组别' }) : null,
    declarable.length ? el('fieldset', { class: 'wide declared' }, el('legend', {}, '人员类别（可多选）'),
      declarable.map((d) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'declared', value: d }), d)))
      : null,
    field(`推荐单位意见${opinionMax ? `（${opinionMax}字以内）` : ''}`,
      el('textarea', { name: 'opinion', rows: 3, maxlength: opinionMax || false }), { wide: true, column: '推荐意见' }),
    el('div', { class: 'row wide' }, el('button', { type: 'submit', class: 'primary' }, '加入推荐名单')),
    el('div', { class: 'wide', id: 'add-result', 'aria-live': 'polite' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const person = {};
    for (const key of ['id_number', 'name', 'gender', 'birth_date', 'ethnic_group', 'political_affiliation', 'unit',
      'post', 'title', 'education', 'fields', 'phone', 'email', 'group_type', 'can_attend_seminar',
      'can_attend_study_tour']) {
      const v = String(data.get(key) || '').trim();
      if (v) person[key] = key === 'id_number' ? v.toUpperCase() : v;
    }
    const body = { person, declared: data.getAll('declared') };
    const group = String(data.get('group') || '');
    if (group) body.group = group;
    const opinion = String(data.get('opinion') || '').trim();
    if (opinion) body.opinion = opinion;
    const result = form.querySelector('#add-result');
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    clear(result, el('p', { class: 'muted' }, '正在加入……'));
    try {
      const added = await post(`rounds/${encodeURIComponent(round.code)}/recommendations`, body, { params: withUnit() });
      const notes = [notice('ok', `已将 ${added.item.person.name} 加入推荐名单。`)];
      if (added.notice) notes.push(notice('warning', added.notice));
      await loadSubmission();
      clear(document.getElementById('add-result'), notes);
    } catch (error) {
      clear(result, errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function uploadForm() {
  const file = el('input', { type: 'file', name: 'file', accept: '.xlsx,.csv', required: true });
  const progress = el('progress', { max: 1, value: 0, hidden: true });
  const result = el('div', { id: 'upload-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'row', id: 'upload-form' },
    el('label', {}, '推荐学员汇总表（Excel 或 CSV）', file),
    el('button', { type: 'submit' }, '上传'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    progress.hidden = false;
    progress.value = 0;
    clear(result, el('p', { class: 'muted' }, '正在上传……'));
    try {
      const report = await upload(`rounds/${encodeURIComponent(round.code)}/uploads`, file.files[0], {
        params: withUnit(),
        onProgress: (share) => {
          progress.value = share;
          if (share >= 1) clear(result, el('p', { class: 'muted' }, '已上传，正在逐行校验……'));
        },
      });
      progress.hidden = true;
      await loadSubmission();
      clear(document.getElementById('upload-result'), uploadReport(report));
    } catch (error) {
      progress.hidden = true;
      clear(result, errorNotice(error));
    }
  });
  return [form, progress, result];
}

function uploadReport(report) {
  const summary = `共 ${report.rows} 行：新加入 ${report.added} 人，更新 ${report.updated} 人，未通过 ${report.rejected} 行。`;
  const parts = [notice(report.rejected ? 'warning' : 'ok', summary)];
  if (report.ignored_columns && report.ignored_columns.length) {
    parts.push(notice('info', `未识别的列（已忽略）：${report.ignored_columns.join('、')}`));
  }
  if (report.errors.length) {
    parts.push(el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'upload-errors' },
      el('thead', {}, el('tr', {}, ['行号', '字段', '问题'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, report.errors.map((e) => el('tr', {},
        el('td', {}, `第${e.row}行`), el('td', {}, e.field), el('td', {}, e.message)))))));
  }
  if (report.error_file) {
    parts.push(el('p', {}, el('button', {
      type: 'button', class: 'primary', id: 'download-errors',
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          // The link is the API's own path: strip its /api/v1/ to call it with the token.
          const path = report.error_file.replace(/^\/?api\/v1\//, '');
          await saveDownload(await call('GET', path, { raw: true }), '推荐学员汇总表-错误信息.xlsx');
        } catch (error) {
          event.target.after(errorNotice(error));
        } finally {
          event.target.disabled = false;
        }
      },
    }, '下载标注错误的汇总表'), el('span', { class: 'hint' }, ' 改正后重新上传即可，已通过的行不会重复加入。')));
  }
  return parts;
}

function itemsTable() {
  const items = submission.items;
  if (!items.length) return el('p', { class: 'muted', id: 'items-empty' }, '名单中还没有人员。');
  const canEdit = editable();
  const rows = items.map((item) => {
    const p = item.person;
    const opinion = el('textarea', { rows: 2, 'data-item': item.id, disabled: !canEdit, 'aria-label': `${p.name}的推荐意见` });
    opinion.value = item.opinion || '';
    // An honour round's candidates each have a 推荐表 to fill in.
    const form = reRecommends()
      ? el('a', { class: 'honour-form', href: `honour-form.html?id=${encodeURIComponent(item.id)}` }, '填写推荐表')
      : null;
    return el('tr', { dataset: { id: item.id } },
      el('td', {}, p.name),
      el('td', {}, p.gender || ''),
      el('td', {}, p.birth_date || ''),
      el('td', {}, [p.unit, p.post].filter(Boolean).join(' ')),
      el('td', {}, el('span', { class: 'tag' }, kRecommendationStates[item.state] || item.state),
        item.exempt_reason ? el('span', { class: 'tag ok' }, `不占名额：${item.exempt_reason}`) : null,
        item.reasons ? el('div', { class: 'hint' }, `说明：${item.reasons}`) : null),
      el('td', {}, opinion),
      el('td', {}, form, canEdit ? el('button', {
        type: 'button', class: 'danger',
        onclick: async () => {
          try {
            await call('DELETE', `recommendations/${item.id}`);
            await loadSubmission();
          } catch (error) {
            clear(messages, errorNotice(error));
          }
        },
      }, '移出') : ''));
  });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'items' },
    el('thead', {}, el('tr', {}, ['姓名', '性别', '出生日期', '工作单位及职务', '状态', '推荐单位意见', '']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows)));
}

function submitBox() {
  if (!editable()) return null;
  const result = el('div', { id: 'submit-result', 'aria-live': 'polite' });
  const confirmButton = el('button', { type: 'button', class: 'primary', hidden: true }, '确认报送（报送后名单锁定）');
  const first = el('button', { type: 'button', class: 'primary', disabled: !submission.items.length }, '报送名单');
  first.addEventListener('click', () => { first.hidden = true; confirmButton.hidden = false; });
  confirmButton.addEventListener('click', async () => {
    confirmButton.disabled = true;
    const opinions = {};
    for (const area of document.querySelectorAll('#items textarea[data-item]')) {
      if (area.value.trim()) opinions[area.dataset.item] = area.value.trim();
    }
    try {
      await post(`rounds/${encodeURIComponent(round.code)}/submit`, { opinions }, { params: withUnit() });
      await loadSubmission();
      clear(document.getElementById('submit-result'), notice('ok', '已报送。名单已锁定，审核结果会在此页显示。'));
    } catch (error) {
      confirmButton.disabled = false;
      clear(result, errorNotice(error));
    }
  });
  return el('div', { class: 'submit-box' }, el('div', { class: 'row' }, first, confirmButton), result);
}

function renderSubmission() {
  clear(roundNode, roundCard());
  const downloadMessages = el('div', { 'aria-live': 'polite' });
  const parts = [el('h2', {}, `推荐名单（${submission.items.length} 人）`), itemsTable(), submitBox()];
  if (submission.items.some((i) => !['draft', 'rejected'].includes(i.state))) {
    parts.push(summaryDownloads(round, unitCode, downloadMessages), downloadMessages);
  }
  if (editable()) {
    parts.push(el('h3', {}, '加入一位人员'),
      el('p', { class: 'hint' }, '输入身份证号后会立即查询是否已入库；已入库人员无需重复推荐。'), addForm(),
      existingSection(),
      el('h3', {}, '上传推荐学员汇总表'),
      el('p', { class: 'hint' }, '表头与通知附件一致（序号、姓名、性别、民族、出生年月、政治面貌、单位职务……）；有问题的行会标注后供下载。'),
      uploadForm());
  } else if (!submission.window.open) {
    parts.push(notice('info', '本批次已截止，名单不能再修改。'));
  }
  clear(peopleNode, parts);
  document.body.dataset.ready = 'true';
}

async function loadSubmission() {
  submission = await get(`rounds/${encodeURIComponent(round.code)}/submission`, withUnit());
  renderSubmission();
}

function checkSection() {
  const result = el('div', { 'aria-live': 'polite' });
  const input = el('input', { type: 'text', maxlength: 18, autocomplete: 'off', spellcheck: 'false', placeholder: '18位身份证号' });
  watchIdNumber(input, result);
  clear(checkNode, el('h2', {}, '推荐前查询：是否已入库'),
    el('p', { class: 'hint' }, '已入库人员无需重复推荐。每次查询都记入审计日志。'),
    el('label', { class: 'row' }, '身份证号', input), result);
}

async function main() {
  me = await startPage({ roles: ['unit', 'staff'] });
  unitCode = me.role === 'staff' ? params.get('unit') || '' : '';
  let unitName = me.role === 'unit' ? me.unit && (me.unit.name || me.unit.code) : unitCode;
  if (unitCode) {
    try {
      unitName = (await get(`units/${encodeURIComponent(unitCode)}`)).name || unitCode;
    } catch {
      // an unknown code: the page says so below when the lists are read; the code stays
    }
  }
  document.getElementById('unit-title').textContent = `${unitName || ''} 推荐报送`.trim();
  checkSection();
  if (me.role === 'unit' || unitCode) {
    const node = document.getElementById('availability');
    node.hidden = false;
    availabilitySection(node, unitCode);
  }
  if (me.role === 'staff' && !unitCode) {
    clear(roundNode, notice('info', '工作人员请从「审核」页选择一个单位的名单，或在地址后加 ?unit=单位代码。'));
    return;
  }
  const chosen = await chooseRound(roundNode,
    '目前没有开放的推荐批次。补充报送每年6月和11月开放，开放后可在此报送。');
  round = chosen.round;
  if (!round) return;
  try {
    ruleSet = (await get(`rule-sets/${encodeURIComponent(round.rule_set)}`)).body;
  } catch {
    ruleSet = null;  // the form then marks only 姓名 as required; the API still checks all
  }
  const picker = roundPicker(chosen.choices, round);
  if (picker) messages.before(picker);
  try {
    await loadSubmission();
  } catch (error) {
    clear(roundNode, errorNotice(error));
  }
}

main().catch((error) => {
  if (!(error instanceof ApiError)) clear(messages, errorNotice(error));
});
