// Staff work on an honour round after the recommendation (GET /api/v1/rounds/{code}/campaign):
// each channel's list against its quota, the candidates still missing material, the review
// stages (open one, assign experts with the groups they review, read the ranking with the
// experts still to score and those recused, close with an advance list or by force), and the
// 公示 (the names picked from the final ranking, its working days, objections recorded and
// resolved, publishing). Every rule and its message is the API's.

import { get, post, put } from './api.js';
import { kRecommendationStates } from './labels.js';
import { clear, el, errorNotice, formatDateTime, notice, startPage } from './shell.js';

const params = new URLSearchParams(location.search);
const messages = document.getElementById('messages');
const roundsNode = document.getElementById('rounds');
const channelsNode = document.getElementById('channels');
const candidatesNode = document.getElementById('candidates');
const stagesNode = document.getElementById('stages');
const rankingNode = document.getElementById('ranking');
const noticeNode = document.getElementById('notice');

const kStageKinds = { shortlist: '初评', final: '终评' };
const kStageStates = { open: '进行中', closed: '已结束' };
const kObjectionStates = { open: '待处理', upheld: '成立', dismissed: '不成立' };
const kNoticeStates = { running: '公示中', published: '已公布' };

let rounds = [];
let round = null;
let overview = null;
let stageId = null;

function setUrl(next) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(next)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

const roundPath = () => `rounds/${encodeURIComponent(round.code)}`;

// A button that runs `work`, shows the API's error in `where` (the page's messages by
// default) and reloads the round after it succeeds.
function actionButton(label, work, { where = messages, primary = false, id } = {}) {
  const button = el('button', { type: 'button', class: primary ? 'primary' : false, id });
  button.textContent = label;
  button.addEventListener('click', async () => {
    button.disabled = true;
    clear(where);
    try {
      const said = await work();
      await loadRound();
      if (said) clear(messages, notice('ok', said));
    } catch (error) {
      clear(where, errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function table(id, heads, rows) {
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows)));
}

function number(value, digits = 2) {
  return value === null || value === undefined ? '' : Number(value).toFixed(digits).replace(/\.?0+$/, '');
}

// --- Rounds

function roundsSection() {
  if (!rounds.length) {
    clear(roundsNode, notice('info', '还没有荣誉推选的推荐批次。'));
    return;
  }
  const picker = el('select', { id: 'round-picker', 'aria-label': '荣誉推选批次' },
    rounds.map((r) => el('option', { value: r.code, selected: round && r.code === round.code },
      `${r.title}${r.open ? '（报送中）' : ''}`)));
  picker.addEventListener('change', async () => {
    round = rounds.find((r) => r.code === picker.value);
    stageId = null;
    setUrl({ round: round.code, stage: '' });
    await loadRound();
  });
  clear(roundsNode, el('label', { class: 'row' }, '荣誉推选批次：', picker),
    round ? el('p', { class: 'hint' }, `报送截止：${formatDateTime(round.deadline)}（北京时间）`) : null);
}

// --- Channels and candidates

function quotaText(q) {
  if (q.max === null) return q.min ? `至少 ${q.min} 名` : '不限';
  return q.min ? `${q.min}–${q.max} 名` : `至多 ${q.max} 名`;
}

function channelsSection() {
  const items = overview.channels;
  const breaches = items.filter((c) => c.quota.violations.length).length;
  channelsNode.hidden = false;
  clear(channelsNode, el('h2', {}, `推荐渠道（${items.length} 个）`),
    breaches ? notice('warning', `${breaches} 个渠道的名单不符合名额规则（已标红）。`) : null,
    items.length ? table('channel-list', ['推荐单位', '类型', '状态', '人数', '名额', '问题'],
      items.map((c) => el('tr', { class: c.quota.violations.length ? 'flagged' : false, dataset: { unit: c.unit.code } },
        el('td', {}, c.unit.name),
        el('td', {}, c.unit.type),
        el('td', {}, kRecommendationStates[c.state] || c.state,
          c.submitted_at ? el('div', { class: 'hint' }, formatDateTime(c.submitted_at)) : null),
        el('td', {}, String(c.count)),
        el('td', {}, quotaText(c.quota)),
        el('td', {}, c.quota.violations.map((v) => el('div', { class: 'bad' }, v.rule ? `${v.rule}：${v.message}` : v.message))))))
      : el('p', { class: 'muted' }, '还没有推荐渠道报送名单。'));
}

function candidatesSection() {
  const all = overview.candidates;
  const lacking = all.filter((c) => c.missing.length);
  candidatesNode.hidden = false;
  clear(candidatesNode, el('h2', {}, `候选人（${all.length} 名）`),
    lacking.length
      ? [notice('warning', `${lacking.length} 名候选人的材料不全：`),
        table('missing-list', ['姓名', '工作单位', '推荐单位', '组别', '缺少的材料'],
          lacking.map((c) => el('tr', { dataset: { recommendation: c.recommendation } },
            el('td', {}, c.name),
            el('td', {}, c.organisation || ''),
            el('td', {}, c.unit_name),
            el('td', {}, c.group || ''),
            el('td', {}, c.missing.map((m) => el('div', { class: 'bad' }, `${m.label}：需 ${m.need} 份，已有 ${m.have} 份`))))))]
      : el('p', { class: 'muted', id: 'missing-none' }, all.length ? '各候选人的材料齐全。' : '还没有候选人。'));
}

// --- Stages

function openStageForm() {
  const kind = el('select', { name: 'kind' },
    Object.entries(kStageKinds).map(([v, t]) => el('option', { value: v }, t)));
  const title = el('input', { type: 'text', name: 'title', maxlength: 60, placeholder: '不填：第N轮初评/终评' });
  const advance = el('input', { type: 'number', name: 'advance', min: 1, step: 1, placeholder: '晋级人数' });
  const advanceLabel = el('label', {}, '晋级人数（初评）', advance);
  const result = el('div', { class: 'wide', 'aria-live': 'polite' });
  const show = () => { advanceLabel.hidden = kind.value !== 'shortlist'; };
  kind.addEventListener('change', show);
  show();
  const form = el('form', { class: 'grid-form', id: 'open-stage-form' },
    el('label', {}, '评审类型', kind), el('label', {}, '名称', title), advanceLabel,
    el('div', { class: 'row wide' }, el('button', { type: 'submit', class: 'primary' }, '开始评审')), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { kind: kind.value };
    if (title.value.trim()) body.title = title.value.trim();
    if (kind.value === 'shortlist' && advance.value) body.advance = Number(advance.value);
    clear(result);
    try {
      const made = await post(`${roundPath()}/reviews`, body);
      stageId = made.id;
      setUrl({ stage: String(made.id) });
      await loadRound();
      clear(messages, notice('ok', `已开始「${made.title}」，共 ${made.candidates} 名候选人；请分配评审专家。`));
    } catch (error) {
      clear(result, errorNotice(error));
    }
  });
  return el('details', { open: !overview.stages.some((s) => s.state === 'open') },
    el('summary', {}, '开始下一轮评审'), form);
}

function stagesSection() {
  const items = overview.stages;
  stagesNode.hidden = false;
  clear(stagesNode, el('h2', {}, '评审轮次'),
    overview.plan ? el('p', { class: 'hint' },
      `评分项：${overview.plan.criteria.map((c) => `${c.label}（${number(c.max)}分）`).join('、')}`,
      overview.plan.honourees ? `；本次推选名额 ${overview.plan.honourees} 名` : '') : null,
    items.length ? table('stage-list', ['轮次', '名称', '类型', '状态', '候选人', '评审专家', ''],
      items.map((s) => el('tr', { dataset: { stage: s.id }, class: s.id === stageId ? 'current' : false },
        el('td', {}, `第${s.stage}轮`),
        el('td', {}, s.title),
        el('td', {}, kStageKinds[s.kind] || s.kind, s.advance ? `（晋级 ${s.advance} 名）` : ''),
        el('td', {}, el('span', { class: `tag ${s.state === 'open' ? 'warn' : 'ok'}` }, kStageStates[s.state] || s.state)),
        el('td', {}, String(s.candidates)),
        el('td', {}, s.experts.length ? s.experts.map((e) => e.display_name || e.username).join('、') : el('span', { class: 'muted' }, '未分配')),
        el('td', {}, el('button', {
          type: 'button',
          onclick: async () => {
            stageId = s.id;
            setUrl({ stage: String(s.id) });
            await showRanking();
          },
        }, '查看排名')))))
      : el('p', { class: 'muted' }, '还没有评审轮次。'),
    // After the final, no stage follows (the API says so too).
    items.some((s) => s.kind === 'final' && s.state === 'closed')
      ? el('p', { class: 'hint' }, '终评已结束：请在下方发起公示。') : openStageForm());
}

// One expert of the assignment form: the username and the groups they review (none ticked:
// every group).
function expertRow(expert, list) {
  const username = el('input', { type: 'text', class: 'expert-username', value: expert.username || '', autocomplete: 'off',
    spellcheck: 'false', autocapitalize: 'none', placeholder: '专家账户的用户名', 'aria-label': '专家用户名' });
  const groups = overview.groups.map((g) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', value: g, checked: (expert.groups || []).includes(g) }), g));
  const row = el('div', { class: 'row expert-row' }, username,
    groups.length ? el('span', { class: 'row' }, el('span', { class: 'hint' }, '组别：'), groups) : null,
    el('button', { type: 'button', class: 'link-button small', onclick: () => row.remove() }, '移除'));
  row.read = () => ({
    username: username.value.trim(),
    groups: groups.map((g) => g.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
  });
  list.append(row);
  return row;
}

function assignForm(stage) {
  const list = el('div', { class: 'expert-rows' });
  for (const e of stage.experts) expertRow(e, list);
  if (!stage.experts.length) expertRow({}, list);
  const result = el('div', { 'aria-live': 'polite' });
  const save = actionButton('保存专家名单', async () => {
    const experts = [...list.children].map((r) => r.read()).filter((e) => e.username)
      .map((e) => (e.groups.length ? e : { username: e.username }));
    const saved = await put(`reviews/${stage.id}/experts`, { experts });
    return `「${saved.title}」的评审专家：${saved.experts.map((e) => e.display_name || e.username).join('、') || '无'}。`;
  }, { where: result, primary: true, id: 'save-experts' });
  return el('div', { id: 'assign-experts' }, el('h3', {}, '评审专家'),
    el('p', { class: 'hint' }, '填专家账户的用户名；勾选组别则只评这些组别的候选人，不勾：全部组别。与候选人同单位的专家自动回避。'),
    list,
    el('div', { class: 'row' }, el('button', { type: 'button', onclick: () => expertRow({}, list) }, '添加一名专家'), save),
    result);
}

function closeForm(stage, advanceBoxes) {
  const force = el('input', { type: 'checkbox', id: 'close-force' });
  const result = el('div', { 'aria-live': 'polite' });
  const close = actionButton('结束本轮评审', async () => {
    const body = {};
    const picked = advanceBoxes.filter((b) => b.checked).map((b) => Number(b.value));
    if (picked.length) body.advance = picked;
    if (force.checked) body.force = true;
    const closed = await post(`reviews/${stage.id}/close`, body);
    return `「${closed.title}」已结束。`;
  }, { where: result, primary: true, id: 'close-stage' });
  return el('div', { id: 'close-box' }, el('h3', {}, '结束本轮'),
    stage.kind === 'shortlist'
      ? el('p', { class: 'hint' }, `不勾选“晋级”时按平均分取前 ${stage.advance || ''} 名；并列或另行决定时勾选晋级者。`) : null,
    el('div', { class: 'row' }, el('label', { class: 'check' }, force, '尚有专家未评分时仍结束（强制）'), close),
    result);
}

async function showRanking() {
  stagesSection();
  if (!stageId) {
    rankingNode.hidden = true;
    return;
  }
  rankingNode.hidden = false;
  clear(rankingNode, el('p', { class: 'muted' }, '正在读取排名……'));
  let ranking;
  try {
    ranking = await get(`reviews/${stageId}`);
  } catch (error) {
    clear(rankingNode, errorNotice(error));
    return;
  }
  const stage = ranking.stage;
  const open = stage.state === 'open';
  const advanceBoxes = [];
  const rows = ranking.candidates.map((c) => {
    const box = open && stage.kind === 'shortlist'
      ? el('input', { type: 'checkbox', value: c.recommendation, 'aria-label': `${c.name}晋级` }) : null;
    if (box) advanceBoxes.push(box);
    return el('tr', { dataset: { recommendation: c.recommendation } },
      el('td', {}, c.rank === null ? '—' : String(c.rank)),
      el('td', {}, c.name),
      el('td', {}, c.organisation || ''),
      el('td', {}, c.unit_name || ''),
      el('td', {}, c.group || ''),
      el('td', { class: 'mean' }, number(c.mean)),
      el('td', {}, number(c.spread)),
      el('td', { class: 'given' }, `${c.given} / ${c.expected}`),
      el('td', {}, c.missing.length ? el('span', { class: 'bad' }, c.missing.join('、')) : ''),
      el('td', {}, c.recused.map((x) => el('div', { class: 'recused' }, `${x.display_name || x.username}：${x.reason}`))),
      stage.kind === 'shortlist' ? el('td', {}, box || (stage.state === 'closed'
        ? el('span', { class: `tag ${c.advanced ? 'ok' : 'muted'}` }, c.advanced ? '晋级' : '未晋级') : '')) : null);
  });
  clear(rankingNode,
    el('h2', {}, `${stage.title}（${kStageKinds[stage.kind] || stage.kind}，${kStageStates[stage.state] || stage.state}）`),
    el('p', { class: 'hint' }, `满分 ${number(stage.max_total)} 分 · 开始于 ${formatDateTime(stage.opened_at)}`,
      stage.closed_at ? ` · 结束于 ${formatDateTime(stage.closed_at)}` : ''),
    open ? assignForm(stage) : null,
    el('h3', {}, '排名'),
    table('ranking-list', ['名次', '姓名', '工作单位', '推荐单位', '组别', '平均分', '分差', '已评/应评', '未评专家', '回避',
      stage.kind === 'shortlist' ? '晋级' : null].filter(Boolean), rows),
    open ? closeForm(stage, advanceBoxes) : null);
}

// --- 公示

// The names a 公示 may list: the final ranking once a final stage closed; without any review,
// the submitted candidates; otherwise none yet.
async function noticeChoices() {
  const finals = overview.stages.filter((s) => s.kind === 'final' && s.state === 'closed');
  if (finals.length) {
    const ranking = await get(`reviews/${finals[finals.length - 1].id}`);
    return { from: '终评排名', items: ranking.candidates };
  }
  if (!overview.stages.length) return { from: '已报送的候选人', items: overview.candidates.filter((c) => c.state === 'submitted') };
  return null;
}

async function startNoticeForm() {
  const choices = await noticeChoices();
  if (!choices) {
    return el('p', { class: 'muted', id: 'notice-waiting' }, '终评结束后，从终评排名中选定公示人选。');
  }
  const limit = overview.plan && overview.plan.honourees;
  const count = el('span', { class: 'hint', id: 'notice-count' });
  const boxes = choices.items.map((c) => el('input', { type: 'checkbox', value: c.recommendation, 'aria-label': `公示${c.name}` }));
  const update = () => {
    const n = boxes.filter((b) => b.checked).length;
    count.textContent = `已选 ${n} 名${limit ? `，最多 ${limit} 名` : ''}`;
    for (const b of boxes) b.disabled = Boolean(limit) && n >= limit && !b.checked;
  };
  boxes.forEach((b) => b.addEventListener('change', update));
  const pickTop = el('button', {
    type: 'button',
    onclick: () => {
      boxes.forEach((b, i) => { b.checked = !limit || i < limit; });
      update();
    },
  }, limit ? `选前 ${limit} 名` : '全选');
  const firstDay = el('input', { type: 'date', name: 'first_day', required: true, 'aria-label': '公示首日' });
  const days = el('input', { type: 'number', name: 'days', min: 1, max: 30, step: 1,
    placeholder: overview.plan && overview.plan.notice_days ? `${overview.plan.notice_days}（规定）` : '', 'aria-label': '公示工作日数' });
  const result = el('div', { 'aria-live': 'polite' });
  const start = actionButton('发起公示', async () => {
    const body = { recommendations: boxes.filter((b) => b.checked).map((b) => Number(b.value)), first_day: firstDay.value };
    if (days.value) body.days = Number(days.value);
    const made = await post(`${roundPath()}/notice`, body);
    return `公示已发起：${made.first_day} 至 ${made.last_day}（${made.days} 个工作日）。`;
  }, { where: result, primary: true, id: 'start-notice' });
  update();
  return el('div', { id: 'start-notice-form' },
    el('p', { class: 'hint' }, `从${choices.from}中选定公示人选（按名次排列）。`),
    el('div', { class: 'row' }, pickTop, count),
    table('notice-choices', ['', '名次', '姓名', '工作单位', '推荐单位', '平均分'],
      choices.items.map((c, i) => el('tr', { dataset: { recommendation: c.recommendation } },
        el('td', {}, el('label', { class: 'check' }, boxes[i], '公示')),
        el('td', {}, c.rank ? String(c.rank) : ''),
        el('td', {}, c.name),
        el('td', {}, c.organisation || ''),
        el('td', {}, c.unit_name || ''),
        el('td', {}, number(c.mean))))),
    el('div', { class: 'row' }, el('label', { class: 'row' }, '公示首日', firstDay),
      el('label', { class: 'row' }, '工作日数', days), start),
    result);
}

function objectionForm(n) {
  const running = n.names.filter((x) => !x.withdrawn);
  const who = el('select', { name: 'recommendation', 'aria-label': '异议针对的人选' },
    running.map((x) => el('option', { value: x.recommendation }, x.name)));
  const received = el('input', { type: 'date', name: 'received_on', 'aria-label': '收到日期' });
  const source = el('input', { type: 'text', name: 'source', placeholder: '异议人及联系方式（匿名写“匿名”）', 'aria-label': '异议人' });
  const content = el('textarea', { name: 'content', rows: 3, 'aria-label': '异议内容' });
  const result = el('div', { class: 'wide', 'aria-live': 'polite' });
  const record = actionButton('登记异议', async () => {
    await post(`${roundPath()}/notice/objections`, {
      recommendation: Number(who.value), received_on: received.value, source: source.value.trim(), content: content.value.trim(),
    });
    return '异议已登记。';
  }, { where: result, id: 'add-objection' });
  return el('details', {}, el('summary', {}, '登记异议'),
    el('div', { class: 'grid-form', id: 'objection-form' },
      el('label', {}, '针对', who), el('label', {}, '收到日期', received), el('label', {}, '异议人', source),
      el('label', { class: 'wide' }, '内容', content), el('div', { class: 'row wide' }, record), result));
}

function resolveForm(o) {
  const outcome = el('select', { 'aria-label': '处理结论' },
    el('option', { value: 'dismissed' }, '不成立'), el('option', { value: 'upheld' }, '成立（撤下该人选）'));
  const resolution = el('input', { type: 'text', placeholder: '核查情况', 'aria-label': '核查情况' });
  const result = el('div', { 'aria-live': 'polite' });
  return el('div', { class: 'resolve' }, el('div', { class: 'row' }, outcome, resolution,
    actionButton('处理', async () => {
      const done = await post(`objections/${o.id}/resolve`, { outcome: outcome.value, resolution: resolution.value.trim() });
      return `异议 ${done.id}：${kObjectionStates[done.state] || done.state}。`;
    }, { where: result })), result);
}

async function noticeSection() {
  noticeNode.hidden = false;
  const n = overview.notice;
  if (!n) {
    clear(noticeNode, el('h2', {}, '公示'), el('p', { class: 'muted' }, '正在读取……'));
    try {
      clear(noticeNode, el('h2', {}, '公示'), await startNoticeForm());
    } catch (error) {
      clear(noticeNode, el('h2', {}, '公示'), errorNotice(error));
    }
    return;
  }
  const result = el('div', { 'aria-live': 'polite' });
  clear(noticeNode, el('h2', {}, `公示（${kNoticeStates[n.state] || n.state}）`),
    el('dl', { class: 'facts', id: 'notice-facts' },
      el('dt', {}, '公示期'), el('dd', { id: 'notice-period' }, `${n.first_day} 至 `, el('strong', { id: 'notice-last-day' }, n.last_day),
        `（${n.days} 个工作日）`),
      el('dt', {}, '计入的工作日'), el('dd', { id: 'notice-workdays' }, n.workdays.join('、')),
      el('dt', {}, '发起'), el('dd', {}, `${n.started_by} · ${formatDateTime(n.started_at)}`),
      n.published_at ? [el('dt', {}, '公布'), el('dd', {}, `${n.published_by || ''} · ${formatDateTime(n.published_at)}`)] : null),
    table('notice-names', ['姓名', '工作单位', '推荐单位', '组别', '状态'],
      n.names.map((x) => el('tr', { dataset: { recommendation: x.recommendation } },
        el('td', {}, x.name),
        el('td', {}, x.organisation || ''),
        el('td', {}, x.unit_name || ''),
        el('td', {}, x.group || ''),
        el('td', {}, x.withdrawn ? el('span', { class: 'bad' }, `已撤下：${x.withdrawn}`) : kRecommendationStates[x.state] || x.state)))),
    el('h3', {}, `异议（${n.objections.length} 条，待处理 ${n.open_objections} 条）`),
    n.objections.length ? table('objection-list', ['针对', '收到', '异议人', '内容', '处理'],
      n.objections.map((o) => el('tr', { dataset: { objection: o.id } },
        el('td', {}, o.name),
        el('td', {}, o.received_on),
        el('td', {}, o.source),
        el('td', {}, o.content),
        el('td', {}, o.state === 'open' && n.state === 'running' ? resolveForm(o)
          : [el('span', { class: `tag ${o.state === 'upheld' ? 'bad' : 'ok'}` }, kObjectionStates[o.state] || o.state),
            o.resolution ? el('div', {}, o.resolution) : null]))))
      : el('p', { class: 'muted' }, '没有异议。'),
    n.state === 'running' ? objectionForm(n) : null,
    n.state === 'running' ? el('div', { class: 'row' },
      n.may_publish
        ? actionButton('公布结果', async () => {
          const done = await post(`${roundPath()}/notice/publish`);
          return `结果已公布：${done.names.filter((x) => !x.withdrawn).length} 名人选获得称号。`;
        }, { where: result, primary: true, id: 'publish' })
        : el('span', { class: 'hint', id: 'publish-wait' },
          n.open_objections ? `还有 ${n.open_objections} 条异议未处理，处理后才能公布。` : `公示期至 ${n.last_day}（含）结束，之后才能公布结果。`)) : null,
    result);
}

// --- Loading

async function loadRound() {
  if (!round) {
    for (const node of [channelsNode, candidatesNode, stagesNode, rankingNode, noticeNode]) node.hidden = true;
    return;
  }
  try {
    overview = await get(`${roundPath()}/campaign`);
  } catch (error) {
    clear(messages, errorNotice(error));
    return;
  }
  if (stageId && !overview.stages.some((s) => s.id === stageId)) stageId = null;
  if (!stageId && overview.stages.length) stageId = overview.stages[overview.stages.length - 1].id;
  channelsSection();
  candidatesSection();
  await showRanking();
  await noticeSection();
}

async function main() {
  await startPage({ roles: ['staff'] });
  try {
    rounds = (await get('rounds')).items.filter((r) => r.campaign && r.campaign.kind === 'honour');
  } catch (error) {
    clear(messages, errorNotice(error));
    return;
  }
  const wanted = params.get('round');
  round = rounds.find((r) => r.code === wanted) || rounds.find((r) => r.open) ||
    [...rounds].sort((a, b) => b.deadline.localeCompare(a.deadline))[0] || null;
  stageId = Number(params.get('stage')) || null;
  roundsSection();
  await loadRound();
  document.body.dataset.ready = 'true';
}

main();
