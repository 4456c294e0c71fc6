// An expert's review (GET /api/v1/expert/reviews): the stages they are on with how many of
// their candidates they have scored, the queue of one stage, and one candidate at a time: the
// 推荐表 (without the ID number and contact details, which the API never sends an expert), the
// recommending unit's opinion, the photos and scans, and a scoring form with one number per
// criterion, the running total and a comment. Previous and next follow the queue. Every rule
// (the range of each score, a closed stage) is the API's.

import { get, put } from './api.js';
import { provinceName } from './labels.js';
import { clear, el, errorNotice, formatDateTime, notice, startPage } from './shell.js';

const messages = document.getElementById('messages');
const stagesNode = document.getElementById('stages');
const queueNode = document.getElementById('queue');
const candidateNode = document.getElementById('candidate');

const kStageKinds = { shortlist: '初评', final: '终评' };
const kStageStates = { open: '进行中', closed: '已结束' };

let stageId = null;

function setUrl(next) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(next)) {
    if (v) q.set(k, String(v));
    else q.delete(k);
  }
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

function number(value) {
  return value === null || value === undefined ? '' : String(Math.round(Number(value) * 100) / 100);
}

function table(id, heads, rows) {
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows)));
}

async function loadStages() {
  const answer = await get('expert/reviews');
  const items = answer.items;
  clear(stagesNode, el('h2', {}, '我的评审'),
    items.length ? table('my-stages', ['推选', '评审轮次', '类型', '状态', '已评/应评', ''],
      items.map((s) => el('tr', { dataset: { stage: s.id } },
        el('td', {}, s.round_title),
        el('td', {}, s.title),
        el('td', {}, kStageKinds[s.kind] || s.kind),
        el('td', {}, el('span', { class: `tag ${s.state === 'open' ? 'warn' : 'ok'}` }, kStageStates[s.state] || s.state)),
        el('td', { class: 'progress' }, `${s.scored} / ${s.mine}`),
        el('td', {}, el('button', {
          type: 'button',
          onclick: () => openStage(s.id).catch((error) => clear(messages, errorNotice(error))),
        }, s.state === 'open' ? '评审' : '查看'))))) : notice('info', '目前没有分配给您的评审。'));
  return items;
}

async function openStage(id, { rec } = {}) {
  stageId = id;
  const answer = await get(`expert/reviews/${id}/candidates`);
  const items = answer.items;
  const stage = answer.stage;
  queueNode.hidden = false;
  clear(queueNode, el('h2', {}, stage ? `${stage.title}：我的候选人` : '我的候选人'),
    stage ? el('p', { class: 'hint' }, `${stage.round_title} · 满分 ${number(stage.max_total)} 分`,
      stage.state === 'closed' ? ' · 本轮已结束，评分不能再改' : '') : null,
    items.length ? table('my-queue', ['序号', '姓名', '工作单位', '推荐单位', '组别', '我的评分', ''],
      items.map((c, i) => el('tr', { dataset: { recommendation: c.recommendation } },
        el('td', {}, String(i + 1)),
        el('td', {}, c.name),
        el('td', {}, c.organisation || ''),
        el('td', {}, c.unit_name || ''),
        el('td', {}, c.group || ''),
        el('td', {}, c.scored ? el('span', { class: 'tag ok' }, `${number(c.total)} 分`) : el('span', { class: 'tag warn' }, '未评')),
        el('td', {}, el('button', {
          type: 'button',
          onclick: () => openCandidate(c.recommendation).catch((error) => clear(messages, errorNotice(error))),
        }, '打开'))))) : notice('info', '本轮没有需要您评审的候选人。'));
  const first = rec || (items.find((c) => !c.scored) || items[0] || {}).recommendation;
  if (first) await openCandidate(first);
  else {
    candidateNode.hidden = true;
    setUrl({ stage: id, rec: '' });
  }
}

function formTable(form) {
  return el('table', { class: 'form-sheet', id: 'candidate-form' },
    el('caption', {}, '推荐表'),
    el('tbody', {}, form.map((f) => el('tr', { dataset: { key: f.key } },
      el('th', { scope: 'row' }, f.label), el('td', {}, f.key === 'province' ? provinceName(f.value) : f.value)))));
}

// The honour 推荐表's own boxes (推荐领域, 主要事迹, 感人故事 …) in the paper form's order; long
// ones across the table.
function honourTable(boxes) {
  if (!boxes || !boxes.length) return null;
  return el('table', { class: 'form-sheet', id: 'candidate-honour-form' },
    el('caption', {}, '推荐表（本次推选）'),
    el('tbody', {}, boxes.map((b) => el('tr', {},
      el('th', { scope: 'row' }, b.label), el('td', { class: b.wide ? 'wide' : null }, b.value)))));
}

function attachmentsBlock(items) {
  if (!items.length) return el('p', { class: 'muted' }, '没有附件。');
  return el('ul', { class: 'expert-attachments', id: 'candidate-attachments' }, items.map((a) => el('li', {},
    a.content_type.startsWith('image/')
      ? el('a', { href: a.content_url, target: '_blank', rel: 'noopener' },
        el('img', { class: 'thumbnail', src: a.content_url, alt: `${a.kind_label}：${a.filename}`, loading: 'lazy' }))
      : el('a', { href: a.content_url, target: '_blank', rel: 'noopener', class: 'pdf-link' },
        `${a.filename}（PDF${a.pages ? `，${a.pages} 页` : ''}）`),
    el('div', { class: 'hint' }, a.kind_label))));
}

function scoreForm(answer) {
  const stage = answer.stage;
  const mine = answer.mine;
  const closed = stage.state !== 'open';
  const inputs = stage.criteria.map((c) => el('input', {
    type: 'number', name: c.key, min: 0, max: c.max, step: 0.5, required: true, inputmode: 'decimal', disabled: closed,
    value: mine && mine.points[c.key] !== undefined ? mine.points[c.key] : '', 'aria-label': `${c.label}（满分 ${number(c.max)}）`,
  }));
  const total = el('strong', { id: 'score-total' });
  const update = () => {
    const sum = inputs.reduce((n, i) => n + (i.value === '' || Number.isNaN(Number(i.value)) ? 0 : Number(i.value)), 0);
    total.textContent = `${number(sum)} / ${number(stage.max_total)}`;
  };
  inputs.forEach((i) => i.addEventListener('input', update));
  update();
  const comment = el('textarea', { name: 'comment', rows: 3, maxlength: 500, disabled: closed, 'aria-label': '评语' });
  comment.value = mine && mine.comment ? mine.comment : '';
  const result = el('div', { 'aria-live': 'polite', id: 'score-result' });
  const save = el('button', { type: 'submit', class: 'primary', disabled: closed }, '保存评分');
  const form = el('form', { class: 'stack-form', id: 'score-form', novalidate: true },
    stage.criteria.map((c, i) => el('div', { class: 'field' },
      el('label', {}, `${c.label}（0–${number(c.max)} 分）`, inputs[i]),
      c.hint ? el('p', { class: 'hint' }, c.hint) : null)),
    el('p', {}, '合计：', total),
    el('div', { class: 'field' }, el('label', {}, '评语', comment)),
    el('div', { class: 'row' }, save,
      mine ? el('span', { class: 'hint' }, `上次保存：${formatDateTime(mine.scored_at)}`) : null),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scores = {};
    stage.criteria.forEach((c, i) => {
      if (inputs[i].value !== '') scores[c.key] = Number(inputs[i].value);
    });
    const body = { scores };
    if (comment.value.trim()) body.comment = comment.value.trim();
    save.disabled = true;
    clear(result);
    try {
      const saved = await put(`expert/reviews/${stage.id}/candidates/${answer.candidate.recommendation}/score`, body);
      clear(result, notice('ok', `已保存：${answer.candidate.name} ${number(saved.total)} 分。`));
      await Promise.all([loadStages(), refreshQueueRow(answer.candidate.recommendation, saved.total)]);
    } catch (error) {
      clear(result, errorNotice(error));
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function refreshQueueRow(rec, total) {
  const cell = queueNode.querySelector(`tr[data-recommendation="${rec}"] td:nth-child(6)`);
  if (cell) clear(cell, el('span', { class: 'tag ok' }, `${number(total)} 分`));
}

async function openCandidate(rec) {
  const answer = await get(`expert/reviews/${stageId}/candidates/${rec}`);
  setUrl({ stage: stageId, rec });
  const c = answer.candidate;
  const q = answer.queue;
  const move = (to, label, id) => el('button', {
    type: 'button', id, disabled: !to,
    onclick: () => openCandidate(to).catch((error) => clear(messages, errorNotice(error))),
  }, label);
  candidateNode.hidden = false;
  clear(candidateNode,
    el('div', { class: 'row' }, el('h2', { id: 'candidate-name' }, c.name),
      q.position ? el('span', { class: 'hint', id: 'candidate-position' }, `第 ${q.position} 名 / 共 ${q.of} 名`) : null),
    el('p', { class: 'hint' }, [c.organisation, c.title, c.unit_name ? `推荐单位：${c.unit_name}` : '', c.group ? `组别：${c.group}` : '']
      .filter(Boolean).join(' · ')),
    el('div', { class: 'row' }, move(q.previous, '上一名', 'previous-candidate'), move(q.next, '下一名', 'next-candidate')),
    el('div', { class: 'sheet' }, formTable(answer.form)),
    el('div', { class: 'sheet' }, honourTable(answer.honour_form)),
    el('h3', {}, '推荐单位意见'),
    el('p', { id: 'candidate-opinion' }, answer.opinion || el('span', { class: 'muted' }, '（未填）')),
    el('h3', {}, '附件'),
    attachmentsBlock(answer.attachments),
    el('h3', {}, '评分'),
    scoreForm(answer),
    el('div', { class: 'row' }, move(q.previous, '上一名'), move(q.next, '下一名')));
}

async function main() {
  await startPage({ roles: ['expert'] });
  const params = new URLSearchParams(location.search);
  try {
    const stages = await loadStages();
    const wanted = Number(params.get('stage'));
    const stage = stages.find((s) => s.id === wanted) || stages.find((s) => s.state === 'open' && s.scored < s.mine);
    if (stage) await openStage(stage.id, { rec: Number(params.get('rec')) || undefined });
  } catch (error) {
    clear(messages, errorNotice(error));
  }
  document.body.dataset.ready = 'true';
}

main();
