// Training events. For staff: events and their classes with seats taken, creating and
// editing an event (cohorts_event_form.js), the roster planner (goals, pins and
// exclusions; each goal's figure and each line's reasons as the API explains them),
// sending the invitations of a confirmed plan, the enrolments with their controls
// (cohorts_enrolments.js, attendance by day among them), the roster and sign-in sheets as
// Excel, and the ticked sign-in sheet uploaded back (cohorts_attendance.js). Planning can take
// seconds: the page counts them. For a province: the events and its own people's
// enrolments, read only, and its people's roster.

import { call, get, post } from './api.js';
import { signinUpload } from './cohorts_attendance.js';
import { showEnrolments } from './cohorts_enrolments.js';
import { eventForm } from './cohorts_event_form.js';
import { clear, el, errorNotice, notice, saveDownload, startPage } from './shell.js';

const params = new URLSearchParams(location.search);
const messages = document.getElementById('messages');
const eventsNode = document.getElementById('events');
const eventNode = document.getElementById('event');
const planNode = document.getElementById('plan');
const enrolmentsNode = document.getElementById('enrolments');

let events = [];
let staff = false;  // staff plan and change; a province reads
let chosen = null;  // the event being planned
let plan = null;
// person id -> class name ('' for any class) / excluded ids, kept across plan runs.
const pinned = new Map();
const excluded = new Set();

// The goals a person sets on the page: [key, label, kind, default]. Shares are shown as
// percentages and sent as fractions.
const kGoals = [
  ['minority_target', '少数民族不少于（人）', 'count', 0],
  ['women_target', '女性不少于（人）', 'count', 0],
  ['new_group_target', '新经济组织、新社会组织、新就业群体不少于（人）', 'count', 0],
  ['max_province_share', '同一省份不超过（%）', 'share', 15],
  ['max_unit_type_share', '同一类推荐单位不超过（%）', 'share', 50],
  ['max_unit_share', '同一推荐单位不超过（%）', 'share', 5],
];

function eventsList() {
  clear(eventsNode, el('h2', {}, '培训活动'),
    staff ? el('div', { class: 'actions' }, el('button', { type: 'button', id: 'new-event', onclick: () => openForm(null) }, '新建培训活动')) : null,
    el('div', { id: 'event-form-box' }),
    events.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'events-table' },
      el('thead', {}, el('tr', {}, ['活动', '时间', '地点', '班次与名额', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, events.map((e) => el('tr', { dataset: { event: e.code } },
        el('td', {}, e.title),
        el('td', {}, `${e.starts_on} 至 ${e.ends_on}`),
        el('td', {}, e.place || ''),
        el('td', {}, e.classes.map((c) => el('div', {},
          `${c.name}：已占 ${c.seats_taken} / ${c.capacity}`, c.waitlisted ? `，候补 ${c.waitlisted}` : ''))),
        el('td', {}, el('div', { class: 'row actions-cell' },
          staff ? [el('button', { type: 'button', onclick: () => openEvent(e.code) }, '安排名单'),
            el('button', { type: 'button', dataset: { edit: e.code }, onclick: () => openForm(e) }, '编辑')]
            : el('button', { type: 'button', onclick: () => openEvent(e.code) }, '查看本省人员'))))))))
      : el('p', { class: 'muted' }, '还没有培训活动。'));
}

// The event form above the list: a new event (null) or `event` to edit.
function openForm(event) {
  const box = document.getElementById('event-form-box');
  clear(box, el('h3', {}, event ? `编辑「${event.title}」` : '新建培训活动'),
    eventForm(event, async (saved) => {
      await refreshEvents();
      if (!event || (chosen && chosen.code === saved.code)) await openEvent(saved.code);
    }),
    el('button', { type: 'button', onclick: () => clear(box) }, '收起'));
  box.querySelector('input, select').focus();
}

// Reads the events again (seats taken change with every enrolment) and redraws the list,
// an open event form and its message kept.
async function refreshEvents() {
  events = (await get('events')).items;
  const box = document.getElementById('event-form-box');
  const kept = box ? [...box.childNodes] : [];
  eventsList();
  if (kept.length) document.getElementById('event-form-box').replaceChildren(...kept);
}

async function openEvent(code) {
  chosen = events.find((e) => e.code === code);
  plan = null;
  pinned.clear();
  excluded.clear();
  history.replaceState(null, '', `${location.pathname}?event=${encodeURIComponent(code)}`);
  eventNode.hidden = false;
  planNode.hidden = true;
  const meta = `${chosen.starts_on} 至 ${chosen.ends_on} · ${chosen.place || ''} · 共 ${chosen.capacity} 个名额`;
  const signinResult = el('div', { id: 'signin-result', 'aria-live': 'polite' });
  clear(eventNode, el('h2', {}, chosen.title),
    el('p', { class: 'muted' }, meta),
    staff ? planForm() : el('p', { class: 'hint' }, '以下是本省人员在本活动中的报名情况（只读）。'),
    el('div', { class: 'row' },
      el('button', { type: 'button', onclick: () => download('roster') }, '导出名单（Excel）'),
      el('button', { type: 'button', onclick: () => download('signin') }, '导出签到表（Excel）'),
      staff ? signinUpload(chosen.code, signinResult, loadEnrolments) : null),
    staff ? el('p', { class: 'hint' }, '签到表按天列出，勾 √ 为出席、× 为缺席，空白不记录；上传后按 编号 和 姓名 核对，有误的单元格逐一列出，全部无误才记录。') : null,
    signinResult);
  await loadEnrolments();
}

async function download(sheet) {
  try {
    const response = await call('GET', `events/${encodeURIComponent(chosen.code)}/roster.xlsx`, { params: { sheet }, raw: true });
    await saveDownload(response, `${chosen.code}-${sheet}.xlsx`);
  } catch (error) {
    clear(messages, errorNotice(error));
  }
}

function planForm() {
  const inputs = kGoals.map(([key, label, kind, value]) => el('label', {}, label,
    el('input', { type: 'number', name: key, min: 0, max: kind === 'share' ? 100 : chosen.capacity, step: 1, value })));
  const form = el('form', { class: 'grid-form', id: 'plan-form' },
    inputs,
    el('label', {}, '每班候补人数', el('input', { type: 'number', name: 'reserve_per_class', min: 0, max: 100, value: 10 })),
    el('label', { class: 'check wide' }, el('input', { type: 'checkbox', name: 'allow_retrained' }),
      '允许已参加过同类培训的人员再次参加'),
    el('div', { class: 'row wide' }, el('button', { type: 'submit', class: 'primary' }, '排出建议名单'),
      el('span', { class: 'hint', id: 'pins-summary' })),
    el('div', { class: 'wide', id: 'plan-progress', 'aria-live': 'polite' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    runPlan(form);
  });
  return form;
}

function pinsSummary() {
  const node = document.getElementById('pins-summary');
  if (node) node.textContent = pinned.size || excluded.size ? `已锁定 ${pinned.size} 人，已排除 ${excluded.size} 人` : '';
}

async function runPlan(form) {
  const data = new FormData(form);
  const goals = {};
  for (const [key, , kind] of kGoals) {
    const v = Number(data.get(key) || 0);
    goals[key] = kind === 'share' ? v / 100 : Math.round(v);
  }
  const body = {
    goals,
    pinned: [...pinned].map(([id, cls]) => (cls ? { id, class: cls } : id)),
    excluded: [...excluded],
    allow_retrained: data.get('allow_retrained') === 'on',
    reserve_per_class: Number(data.get('reserve_per_class') || 0),
  };
  const progress = form.querySelector('#plan-progress');
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  const started = Date.now();
  const bar = el('progress');  // no value: the browser shows it as busy
  const seconds = el('span', {}, '0');
  clear(progress, el('p', {}, '正在排名单，已用 ', seconds, ' 秒（最多约 15 秒）……'), bar);
  const timer = setInterval(() => { seconds.textContent = String(Math.round((Date.now() - started) / 1000)); }, 500);
  try {
    plan = await post(`events/${encodeURIComponent(chosen.code)}/plan`, body);
    clear(progress);
    renderPlan();
  } catch (error) {
    clear(progress, errorNotice(error));
  } finally {
    clearInterval(timer);
    button.disabled = false;
  }
}

function goalsTable() {
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'goals' },
    el('thead', {}, el('tr', {}, ['目标', '结果', '说明'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, plan.goals.map((g) => el('tr', { class: g.met ? false : 'flagged', dataset: { goal: g.key } },
      el('td', {}, g.label),
      el('td', {}, el('span', { class: g.met ? 'tag ok' : 'tag bad' }, g.met ? '达到' : '未达到'), ` ${g.reached}`),
      el('td', {}, g.text))))));
}

function lineRow(line, className) {
  const isPinned = pinned.has(line.id);
  return el('tr', { dataset: { person: line.id } },
    el('td', {}, line.rank ?? ''),
    el('td', {}, el('a', { href: `person.html?id=${encodeURIComponent(line.id)}` }, line.name),
      line.pinned ? el('span', { class: 'tag tier' }, '已锁定') : null),
    el('td', {}, [line.gender, line.ethnic_group, line.province_name].filter(Boolean).join(' · ')),
    el('td', {}, [line.unit, line.unit_type].filter(Boolean).join(' · ')),
    el('td', {}, line.admission_year ? `${line.admission_year}年` : '', line.never_trained ? el('span', { class: 'tag ok' }, '未参加过培训') : null),
    el('td', {}, line.reasons.join('；')),
    el('td', {}, el('div', { class: 'row' },
      el('button', {
        type: 'button', 'aria-pressed': isPinned ? 'true' : 'false',
        onclick: (e) => {
          if (pinned.has(line.id)) pinned.delete(line.id);
          else { pinned.set(line.id, className || ''); excluded.delete(line.id); }
          e.target.setAttribute('aria-pressed', pinned.has(line.id) ? 'true' : 'false');
          e.target.textContent = pinned.has(line.id) ? '取消锁定' : '锁定';
          pinsSummary();
        },
      }, isPinned ? '取消锁定' : '锁定'),
      el('button', {
        type: 'button', class: 'danger',
        onclick: (e) => {
          excluded.add(line.id);
          pinned.delete(line.id);
          e.target.closest('tr').classList.add('flagged');
          e.target.disabled = true;
          pinsSummary();
        },
      }, '排除'))));
}

function linesTable(lines, className, id) {
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id },
    el('thead', {}, el('tr', {}, ['序', '姓名', '基本情况', '推荐单位', '入库', '理由', ''].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, lines.map((l) => lineRow(l, className)))));
}

function renderPlan() {
  planNode.hidden = false;
  const confirmResult = el('div', { 'aria-live': 'polite' });
  const send = el('button', {
    type: 'button', class: 'primary',
    onclick: async () => {
      send.disabled = true;
      const roster = plan.classes.flatMap((c) => c.lines.filter((l) => !excluded.has(l.id)).map((l) => ({ id: l.id, class: c.name })));
      const reserve = plan.reserve.filter((l) => !excluded.has(l.id)).map((l) => ({ id: l.id, class: l.class }));
      try {
        const done = await post(`events/${encodeURIComponent(chosen.code)}/roster`, { roster, reserve });
        clear(confirmResult, notice('ok', `已邀请 ${done.invited} 人，候补 ${done.waitlisted} 人${done.skipped.length ? `，跳过 ${done.skipped.length} 人（已有报名记录）` : ''}。`));
        await refreshEvents();
        await loadEnrolments();
      } catch (error) {
        clear(confirmResult, errorNotice(error));
      } finally {
        send.disabled = false;
      }
    },
  }, '按此名单发出邀请');
  clear(planNode,
    el('h2', {}, '建议名单'),
    el('p', { id: 'plan-summary' }, `已排 `, el('strong', {}, String(plan.filled)), ` / ${plan.seats} 个名额，候选 ${plan.candidates} 人`,
      plan.optimal ? '（最优）' : '（在时限内找到的最好方案）'),
    el('h3', {}, '各项目标'), goalsTable(),
    plan.classes.map((c) => [el('h3', {}, `${c.name}（${c.lines.length} / ${c.capacity}）`),
      linesTable(c.lines, c.name, `class-${c.name}`)]),
    plan.reserve.length ? [el('h3', {}, `候补（${plan.reserve.length} 人）`), linesTable(plan.reserve, '', 'reserve')] : null,
    plan.left_out.length ? el('details', {}, el('summary', {}, '未进入名单的原因'),
      el('ul', {}, plan.left_out.map((l) => el('li', {}, `${l.reason}：${l.count} 人`)))) : null,
    el('p', { class: 'hint' }, '可锁定或排除某人后重新排名单；排除的人不会被邀请。'),
    el('div', { class: 'row' }, send), confirmResult);
  pinsSummary();
  document.body.dataset.planned = 'true';
}

async function loadEnrolments() {
  enrolmentsNode.hidden = false;
  await showEnrolments(enrolmentsNode, chosen, { staff, onChanged: refreshEvents });
}

async function main() {
  const me = await startPage({ roles: ['staff', 'province'] });
  staff = me.role === 'staff';
  if (!staff) document.querySelector('h1').textContent = '培训活动（本省人员）';
  try {
    events = (await get('events')).items;
  } catch (error) {
    clear(messages, errorNotice(error));
    return;
  }
  eventsList();
  const wanted = params.get('event');
  if (wanted && events.some((e) => e.code === wanted)) await openEvent(wanted);
  document.body.dataset.ready = 'true';
}

main();
