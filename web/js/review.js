// Staff review of a round: every unit's list with its quota state (breaches flagged),
// one unit's people (in an honour round with their photos, scans and what is missing) with
// return / reject (with reasons) and 入库, bulk 入库 of the ticked
// people, possible duplicates to check, the round's export, and opening the year's
// supplementary rounds. The rules and their messages are the API's.
// A provincial association's staff read the lists of their own province's units here
// (the API scopes them); deciding stays with CAST staff, so for them the page has no
// decision controls and says why.

import { call, get, post } from './api.js';
import { attachmentsCell } from './attachments.js';
import { kRecommendationStates } from './labels.js';
import { summaryDownloads } from './rounds.js';
import { clear, el, errorNotice, formatDateTime, notice, saveDownload, startPage } from './shell.js';

const params = new URLSearchParams(location.search);
const messages = document.getElementById('messages');
const roundsNode = document.getElementById('rounds');
const submissionsNode = document.getElementById('submissions');
const detailNode = document.getElementById('detail');
const duplicatesNode = document.getElementById('duplicates');

let rounds = [];
let round = null;
// Set for a province: the page then only reads.
let readOnly = false;

function setUrl(next) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(next)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

function quotaText(q) {
  return `${q.used} / ${q.max === null ? '不限' : q.max}`;
}

function roundsSection() {
  const picker = el('select', { id: 'round-picker', 'aria-label': '推荐批次' },
    rounds.map((r) => el('option', { value: r.code, selected: round && r.code === round.code },
      `${r.title}${r.open ? '（进行中）' : ''}`)));
  picker.addEventListener('change', () => {
    round = rounds.find((r) => r.code === picker.value);
    setUrl({ round: round.code, unit: '' });
    loadSubmissions();
  });
  const year = el('input', { type: 'number', min: 2025, max: 2100, value: new Date().getFullYear(), 'aria-label': '年份' });
  const result = el('span', { 'aria-live': 'polite' });
  const create = el('button', {
    type: 'button',
    onclick: async () => {
      try {
        const made = await post('rounds/supplementary', { year: Number(year.value) });
        clear(result, notice('ok', `已创建：${made.items.map((r) => r.title).join('、')}`));
        await loadRounds(made.items[0] && made.items[0].code);
      } catch (error) {
        clear(result, errorNotice(error));
      }
    },
  }, '创建补充报送批次');
  clear(roundsNode,
    el('div', { class: 'row' }, el('label', { class: 'row' }, '推荐批次：', picker),
      round && !readOnly ? el('button', {
        type: 'button',
        onclick: async () => {
          try {
            await saveDownload(await call('GET', `rounds/${encodeURIComponent(round.code)}/export.xlsx`, { raw: true }),
              `${round.code}-推荐学员汇总表.xlsx`);
          } catch (error) {
            clear(messages, errorNotice(error));
          }
        },
      }, '导出本批次汇总表（Excel）') : null),
    round ? el('p', { class: 'hint' }, `截止：${formatDateTime(round.deadline)}（北京时间）· 规则集 ${round.rule_set}`) : null,
    readOnly ? null : el('details', {}, el('summary', {}, '创建某年的补充报送批次（6月、11月）'),
      el('div', { class: 'row' }, year, create), result));
}

async function loadRounds(select) {
  rounds = (await get('rounds')).items;
  const wanted = select || params.get('round');
  round = rounds.find((r) => r.code === wanted) || rounds.find((r) => r.open) ||
    [...rounds].sort((a, b) => b.deadline.localeCompare(a.deadline))[0] || null;
  roundsSection();
  await loadSubmissions();
}

async function loadSubmissions() {
  detailNode.hidden = true;
  if (!round) {
    clear(submissionsNode, notice('info', '还没有推荐批次。'));
    return;
  }
  clear(submissionsNode, el('p', { class: 'muted' }, '正在读取各单位名单……'));
  const list = await get(`rounds/${encodeURIComponent(round.code)}/submissions`);
  const breaches = list.items.filter((s) => s.quota.violations.length).length;
  clear(submissionsNode,
    el('h2', {}, `各单位名单（${list.total} 个单位）`),
    breaches ? notice('warning', `${breaches} 个单位的名单不符合名额规则（已标红）。`) : null,
    list.items.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'submissions-table' },
      el('thead', {}, el('tr', {}, ['推荐单位', '类型', '状态', '人数', '已占名额', '截止', '问题', '']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, list.items.map((s) => el('tr', {
        class: s.quota.violations.length ? 'flagged' : false, dataset: { unit: s.unit.code },
      },
      el('td', {}, s.unit.name),
      el('td', {}, s.unit.type),
      el('td', {}, kRecommendationStates[s.state] || s.state),
      el('td', {}, String(s.people)),
      el('td', {}, quotaText(s.quota)),
      el('td', {}, formatDateTime(s.deadline), s.extended ? el('span', { class: 'tag ok' }, '已延期') : null),
      el('td', {}, s.quota.violations.map((v) => el('div', { class: 'bad' }, v.rule ? `${v.rule}：${v.message}` : v.message))),
      el('td', {}, el('button', { type: 'button', onclick: () => loadDetail(s.unit.code) }, '查看')))))))
      : el('p', { class: 'muted' }, '还没有单位提交名单。'));
  const unit = params.get('unit');
  if (unit && list.items.some((s) => s.unit.code === unit)) await loadDetail(unit);
  if (!readOnly) loadDuplicates();
  document.body.dataset.ready = 'true';
}

function decisionControls(item, refresh) {
  if (readOnly) return '';
  if (!['submitted', 'under_review', 'returned'].includes(item.state)) return '';
  const reasons = el('input', { type: 'text', placeholder: '退回或不通过的理由', 'aria-label': `${item.person.name}的理由` });
  const decide = (action) => async () => {
    try {
      await post(`recommendations/${item.id}/decision`, { action, reasons: reasons.value.trim() });
      await refresh();
    } catch (error) {
      reasons.after(errorNotice(error));
    }
  };
  return el('div', { class: 'decision' }, reasons,
    el('div', { class: 'row' },
      item.state !== 'returned' ? el('button', { type: 'button', onclick: decide('admit') }, '入库') : null,
      item.state !== 'returned' ? el('button', { type: 'button', onclick: decide('return') }, '退回修改') : null,
      el('button', { type: 'button', class: 'danger', onclick: decide('reject') }, '不通过')));
}

async function loadDetail(unitCode) {
  setUrl({ round: round.code, unit: unitCode });
  detailNode.hidden = false;
  clear(detailNode, el('p', { class: 'muted' }, '正在读取名单……'));
  const refresh = () => loadDetail(unitCode);
  const s = await get(`rounds/${encodeURIComponent(round.code)}/submission`, { unit: unitCode });
  const q = s.quota;
  const boxes = [];
  // An honour round's recommendations come with photos and stamped scans (attachments.js).
  const honour = Boolean(round.campaign && round.campaign.kind === 'honour');
  const rows = s.items.map((item) => {
    const p = item.person;
    const box = readOnly ? null : el('input', { type: 'checkbox', value: item.id, 'aria-label': `选择${p.name}`,
      disabled: !['submitted', 'under_review'].includes(item.state) });
    if (box) boxes.push(box);
    return el('tr', { dataset: { id: item.id } },
      readOnly ? null : el('td', {}, box),
      el('td', {}, el('a', { href: `person.html?id=${encodeURIComponent(p.id)}` }, p.name)),
      el('td', {}, [p.gender, p.birth_date, p.ethnic_group, p.political_affiliation].filter(Boolean).join(' · ')),
      el('td', {}, [p.unit, p.post, p.title].filter(Boolean).join(' ')),
      el('td', {}, el('span', { class: 'tag' }, kRecommendationStates[item.state] || item.state),
        item.exempt_reason ? el('span', { class: 'tag ok' }, `不占名额：${item.exempt_reason}`) : null,
        item.state !== 'admitted' && item.admissions.length
          ? el('span', { class: 'tag warn' }, `已于${item.admissions[0].year}年入库`) : null),
      el('td', {}, item.opinion || el('span', { class: 'muted' }, '—'), item.reasons ? el('div', { class: 'hint' }, `理由：${item.reasons}`) : null),
      honour ? el('td', {}, attachmentsCell(p.id, round.code)) : null,
      readOnly ? null : el('td', {}, decisionControls(item, refresh)));
  });
  const tier = el('select', { 'aria-label': '人才类别' }, el('option', { value: '' }, '人才类别：按年龄自动'),
    el('option', {}, '领军人才'), el('option', {}, '青年人才'));
  const batch = el('input', { type: 'text', placeholder: '批次（可不填）', 'aria-label': '批次' });
  const bulkResult = el('div', { 'aria-live': 'polite' });
  const bulk = el('button', {
    type: 'button', class: 'primary',
    onclick: async () => {
      const ids = boxes.filter((b) => b.checked).map((b) => Number(b.value));
      if (!ids.length) return clear(bulkResult, notice('info', '请先勾选要入库的人员。'));
      try {
        const done = await post('recommendations/bulk-admit', { ids, tier: tier.value, batch: batch.value.trim() });
        await refresh();
        clear(document.querySelector('#detail [aria-live]'), notice('ok', `已入库 ${done.total} 人。`));
      } catch (error) {
        clear(bulkResult, errorNotice(error));
      }
    },
  }, '批量入库');
  const all = el('input', { type: 'checkbox', 'aria-label': '全选' });
  all.addEventListener('change', () => boxes.forEach((b) => { if (!b.disabled) b.checked = all.checked; }));
  const downloadMessages = el('div', { 'aria-live': 'polite' });
  clear(detailNode,
    el('h2', {}, `${s.unit.name} 的名单（${s.items.length} 人）`),
    summaryDownloads(round, s.unit.code, downloadMessages), downloadMessages,
    el('p', {}, `名额：${q.quota || '—'}，已占 ${quotaText(q)}`,
      q.minimums.map((m) => el('span', { class: m.met ? 'tag ok' : 'tag bad' }, `${m.name}：${m.have}`))),
    q.violations.length ? notice('error', '名单不符合规则：', q.violations.map((v) => ({ field: v.rule, message: v.message }))) : null,
    el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'detail-table' },
      el('thead', {}, el('tr', {}, readOnly ? null : el('th', {}, all),
        ['姓名', '基本情况', '单位职务', '状态', '推荐单位意见', honour ? '附件' : null, readOnly ? null : '审核'].filter(Boolean)
          .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
    readOnly ? null : [el('div', { class: 'row' }, tier, batch, bulk), bulkResult],
    readOnly ? null : el('p', { class: 'hint' }, el('a', { href: `portal.html?unit=${encodeURIComponent(s.unit.code)}&round=${encodeURIComponent(round.code)}` },
      '以该单位身份查看报送页面')));
}

async function loadDuplicates() {
  try {
    const list = await get(`rounds/${encodeURIComponent(round.code)}/duplicates`);
    duplicatesNode.hidden = !list.total;
    if (!list.total) return;
    clear(duplicatesNode, el('h2', {}, `可能重复的人员（${list.total} 对）`),
      el('div', { class: 'table-wrap' }, el('table', { class: 'list' },
        el('thead', {}, el('tr', {}, ['本批次推荐', '库中已有', '理由', ''].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, list.items.map((d) => el('tr', {},
          el('td', {}, `${d.item.person.name}（${d.item.person.id}）`),
          el('td', {}, el('a', { href: `person.html?id=${encodeURIComponent(d.other.id)}` }, `${d.other.name}（${d.other.id}）`),
            d.other.unit ? ` ${d.other.unit}` : ''),
          el('td', {}, d.other.reason),
          el('td', {}, el('button', {
            type: 'button',
            onclick: async () => {
              try {
                await post('duplicates/distinct', { id: d.item.person.id, other: d.other.id });
                loadDuplicates();
              } catch (error) {
                clear(messages, errorNotice(error));
              }
            },
          }, '不是同一人'))))))));
  } catch (error) {
    clear(messages, errorNotice(error));
  }
}

async function main() {
  const me = await startPage({ roles: ['staff', 'province'] });
  readOnly = me.role !== 'staff';
  if (readOnly) {
    const province = me.province ? me.province.name || me.province.code : '本省';
    document.querySelector('h1').textContent = `${province}推荐单位名单`;
    document.title = `本省推荐名单 · 科技界党外代表人士库`;
    clear(messages, notice('info',
      `本页列出${province}各推荐单位在各批次报送的名单，供查看核对；审核（入库、退回、不予通过）由中国科协工作人员进行，本页只读。`));
  }
  try {
    await loadRounds();
  } catch (error) {
    clear(messages, errorNotice(error));
  }
}

main();
