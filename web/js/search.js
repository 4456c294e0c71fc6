// The search page: one box, filters with counts, hits with the matched words marked,
// paging. The page's URL holds the whole search (q, sort, page and every filter), so a
// search can be bookmarked or sent in WeChat, and Back goes to the previous search.

import { call, get } from './api.js';
import { filterValueLabel, kFilters, kHighlightFields, provinceName } from './labels.js';
import { clear, el, errorNotice, notice, saveDownload, startPage } from './shell.js';

const kPageSize = 20;
// A facet longer than this shows its first values and the rest behind 更多.
const kFacetShown = 8;
const kFilterNames = kFilters.map(([name]) => name);

const form = document.getElementById('search-form');
const filtersNode = document.getElementById('filters');
const filterCount = document.getElementById('filter-count');
const resultsNode = document.getElementById('results');

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const name of kFilterNames) {
    const values = params.getAll(name).filter(Boolean);
    if (values.length) filters[name] = values;
  }
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  return { q: params.get('q') || '', sort: params.get('sort') || '', page, filters };
}

function urlFor(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.sort) params.set('sort', state.sort);
  for (const name of kFilterNames) for (const v of state.filters[name] || []) params.append(name, v);
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return location.pathname + (text ? '?' + text : '');
}

let current = stateFromUrl();

function go(state, { replace = false } = {}) {
  current = state;
  const url = urlFor(state);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  run();
}

// The API's snippets are HTML: escaped text with <em> around matched words. Only text
// and <em> are taken over (as <mark>), so nothing else in a record can become markup.
function snippet(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const out = document.createDocumentFragment();
  const walk = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) into.append(child.textContent);
      else if (child.nodeName === 'EM') into.append(el('mark', {}, child.textContent));
      else walk(child, into);
    }
  };
  walk(doc.body, out);
  return out;
}

// Round codes as their titles (GET /api/v1/rounds); a code stands for itself when the
// rounds cannot be read.
const roundTitles = new Map();
let roundsRead = Promise.resolve();

function valueLabel(name, value) {
  if (name === 'round' && roundTitles.has(value)) return roundTitles.get(value);
  return filterValueLabel(name, value);
}

// Counts past what the index counts exactly are scaled from a sample: shown with 约.
let estimated = false;

function facetGroup(name, label, values, selected) {
  // Values chosen but no longer counted (another filter narrowed them away) stay listed,
  // so they can be unticked.
  const shown = [...values];
  for (const v of selected) if (!shown.some((f) => f.value === v)) shown.push({ value: v, count: 0 });
  const item = ({ value, count }) => el('li', {},
    el('label', {},
      el('input', {
        type: 'checkbox', name, value, checked: selected.includes(value),
        onchange: (event) => toggleFilter(name, value, event.target.checked),
      }),
      el('span', { class: 'facet-value' }, valueLabel(name, value)),
      el('span', { class: 'count' }, estimated && count ? `约${count}` : String(count))));
  const head = shown.slice(0, kFacetShown);
  const rest = shown.slice(kFacetShown);
  return el('fieldset', { class: 'facet', dataset: { facet: name } },
    el('legend', {}, label,
      selected.length ? el('button', {
        type: 'button', class: 'link-button small', onclick: () => clearFilter(name),
      }, '清除') : null),
    el('ul', {}, head.map(item)),
    rest.length ? el('details', { class: 'more' },
      el('summary', {}, `更多（${rest.length}）`),
      el('ul', {}, rest.map(item))) : null);
}

function toggleFilter(name, value, on) {
  const filters = { ...current.filters };
  const values = new Set(filters[name] || []);
  if (on) values.add(value);
  else values.delete(value);
  if (values.size) filters[name] = [...values];
  else delete filters[name];
  go({ ...current, filters, page: 1 });
}

function clearFilter(name) {
  const filters = { ...current.filters };
  delete filters[name];
  go({ ...current, filters, page: 1 });
}

// Most facets list their largest value first; bands and years read better in order.
const kAgeOrder = ['35岁及以下', '36-45岁', '46-55岁', '56岁及以上'];
function ordered(name, values) {
  if (name === 'age_band') return [...values].sort((a, b) => kAgeOrder.indexOf(a.value) - kAgeOrder.indexOf(b.value));
  if (name === 'year' || name === 'trained_year') return [...values].sort((a, b) => b.value.localeCompare(a.value));
  return values;
}

function renderFilters(facets) {
  const groups = [];
  for (const [name, label] of kFilters) {
    const values = ordered(name, facets[name] || []);
    const selected = current.filters[name] || [];
    if (!values.length && !selected.length) continue;
    groups.push(facetGroup(name, label, values, selected));
  }
  const chosen = Object.values(current.filters).reduce((n, v) => n + v.length, 0);
  filterCount.textContent = chosen ? `（已选 ${chosen} 项）` : '';
  clear(filtersNode, groups.length ? groups : el('p', { class: 'muted' }, '没有可用的筛选项'));
}

function hitCard(hit) {
  const h = hit.highlights || {};
  const shown = new Set(['name', 'unit', 'post', 'title']);
  const person = `person.html?id=${encodeURIComponent(hit.id)}`;
  const facts = [hit.gender, hit.birth_date && `${hit.birth_date.replace('-', '年')}月生`, hit.ethnic_group]
    .filter(Boolean).join(' · ');
  const matches = Object.entries(h).filter(([field]) => !shown.has(field));
  return el('li', { class: 'hit' },
    el('div', { class: 'hit-head' },
      el('a', { class: 'hit-name', href: person }, h.name ? snippet(h.name) : hit.name),
      el('span', { class: 'hit-facts' }, facts),
      el('span', { class: 'hit-id' }, hit.id)),
    el('div', { class: 'hit-unit' },
      h.unit ? snippet(h.unit) : hit.unit,
      hit.post || h.post ? [' ', el('span', {}, h.post ? snippet(h.post) : hit.post)] : null,
      hit.title || h.title ? [' · ', el('span', {}, h.title ? snippet(h.title) : hit.title)] : null),
    el('div', { class: 'tags' },
      hit.tier ? el('span', { class: 'tag tier' }, hit.tier) : null,
      hit.admission_year ? el('span', { class: 'tag' }, `${hit.admission_year}年入库`) : null,
      hit.trained ? el('span', { class: 'tag ok' }, '参加过培训') : null,
      hit.province ? el('span', { class: 'tag' }, provinceName(hit.province)) : null,
      hit.recommending_unit ? el('span', { class: 'tag muted' }, `推荐：${hit.recommending_unit}`) : null),
    matches.length ? el('dl', { class: 'matches' }, matches.map(([field, html]) => [
      el('dt', {}, kHighlightFields[field] || field),
      el('dd', {}, snippet(html)),
    ])) : null);
}

function pager(total) {
  const pages = Math.max(1, Math.ceil(total / kPageSize));
  if (pages <= 1) return null;
  const page = Math.min(current.page, pages);
  const to = (p) => () => { go({ ...current, page: p }); window.scrollTo(0, 0); };
  const numbers = [];
  for (let p = Math.max(1, page - 2); p <= Math.min(pages, page + 2); p++) {
    numbers.push(el('button', {
      type: 'button', class: p === page ? 'page-number current' : 'page-number', 'aria-current': p === page ? 'page' : false,
      onclick: to(p),
    }, String(p)));
  }
  return el('nav', { class: 'pager', 'aria-label': '分页' },
    el('button', { type: 'button', disabled: page <= 1, onclick: to(page - 1) }, '上一页'),
    numbers,
    el('button', { type: 'button', disabled: page >= pages, onclick: to(page + 1) }, '下一页'),
    el('span', { class: 'muted' }, `第 ${page} / ${pages} 页`));
}

let generation = 0;

// What each kind of word read as a filter is called on its chip.
const kUnderstoodNames = {
  gender: '性别', tier: '人才类别', ethnic_group: '民族', province: '省份', age_band: '年龄段',
  age: '年龄', birth_year: '出生年份', year: '入库年度', trained: '培训', city: '城市',
  political: '政治面貌',
};

// The query without one of its words (a chip taken away).
function withoutWord(q, word) {
  const words = q.split(/\s+/).filter(Boolean);
  const at = words.indexOf(word);
  if (at >= 0) words.splice(at, 1);
  return words.join(' ');
}

// Words of the query read as filters, each a chip that takes its word out of the query.
function understoodChips(answer) {
  const understood = answer.understood || [];
  if (!understood.length) return null;
  return el('div', { class: 'understood', 'aria-label': '已识别的筛选条件' },
    el('span', { class: 'muted' }, '已按条件筛选：'),
    understood.map((u) => el('span', { class: 'chip', 'data-filter': u.filter },
      `${kUnderstoodNames[u.filter] || u.filter}：${u.label || u.value}`,
      el('button', {
        type: 'button', class: 'chip-remove', 'aria-label': `去掉「${u.from}」`,
        onclick: () => go({ ...current, q: withoutWord(current.q, u.from), page: 1 }),
      }, '×'))));
}

// 「您要找的是不是……」: the query the API suggests (did_you_mean: the name found for a homophone,
// or the words kept when some were left out), then the other names a homophone search found;
// each a search of its own.
function didYouMean(answer) {
  const suggestion = answer.did_you_mean;
  const names = [...new Set(answer.hits.map((h) => h.name))];
  const link = (q) => el('button', {
    type: 'button', class: 'link-button suggestion', onclick: () => go({ ...current, q, page: 1 }),
  }, q);
  const links = (queries) => queries.flatMap((q, i) => (i > 0 ? ['、', link(q)] : [link(q)]));
  if (answer.homophones && names.length) {
    const offers = [...new Set([suggestion, ...names].filter(Boolean))].slice(0, 3);
    return el('div', { class: 'notice notice-info did-you-mean', role: 'status' },
      el('p', {}, '没有字面相同的结果，以下是读音相同或相近的姓名。您要找的是不是 ', links(offers), '？'));
  }
  if (!suggestion || !answer.hits.length) return null;
  return el('div', { class: 'notice notice-info did-you-mean', role: 'status' },
    el('p', {}, '您要找的是不是 ', links([suggestion]), '？'));
}

// Every hit of the current search (not only this page) as an XLSX download from
// GET /api/v1/search.xlsx: the same parameters, scope and masking as the search; the API
// refuses (422) past its limit and says how to narrow the search.
function exportButton() {
  const status = el('span', { class: 'export-status', 'aria-live': 'polite' });
  const button = el('button', { type: 'button', id: 'export-xlsx', onclick: async () => {
    button.disabled = true;
    clear(status, '正在导出……');
    try {
      const response = await call('GET', 'search.xlsx', { params: { q: current.q, sort: current.sort, ...current.filters }, raw: true });
      const name = await saveDownload(response, 'search.xlsx');
      clear(status, `已导出 ${name}`);
    } catch (error) {
      clear(status, errorNotice(error));
    } finally {
      button.disabled = false;
    }
  } }, '导出检索结果（Excel）');
  return el('div', { class: 'row export' }, button, status);
}

async function run() {
  const mine = ++generation;
  form.q.value = current.q;
  form.sort.value = current.sort;
  document.title = (current.q ? `「${current.q}」` : '检索') + ' · 科技界党外代表人士库';
  resultsNode.setAttribute('aria-busy', 'true');
  clear(resultsNode, el('p', { class: 'muted' }, '正在检索……'));
  try {
    const answer = await get('search', {
      q: current.q, sort: current.sort, page: current.page, size: kPageSize, facets: 'true',
      ...current.filters,
    });
    await roundsRead;
    if (mine !== generation) return;  // a newer search has started
    estimated = Boolean(answer.facets_estimated);
    renderFilters(answer.facets || {});
    const summary = el('p', { class: 'summary' },
      current.q ? `「${current.q}」共找到 ` : '共 ', el('strong', { id: 'total' }, String(answer.total)), ' 人');
    const notes = [understoodChips(answer)];
    // The homophones may all be outside the caller's scope: the notice only over names shown.
    notes.push(didYouMean(answer));
    const unmatched = answer.unmatched || [];
    if (unmatched.length) {
      const box = notice('warning', `未找到${unmatched.map((w) => `“${w}”`).join('、')}，已忽略`);
      box.classList.add('unmatched');
      notes.push(box);
    }
    if (answer.loose && answer.hits.length) notes.push(notice('info', '没有同时符合全部检索词的人员，以下按符合的词数排列。'));
    if (answer.partial) notes.push(notice('warning', '结果可能不完整：请输入更具体的检索词或加筛选条件。'));
    clear(resultsNode, summary, notes,
      answer.hits.length ? exportButton() : null,
      answer.hits.length ? el('ol', { class: 'hits', start: (current.page - 1) * kPageSize + 1 },
        answer.hits.map(hitCard))
        : el('p', { class: 'empty' }, '没有符合条件的人员。可以换个写法，例如只输入姓或拼音首字母。'),
      pager(answer.total));
  } catch (error) {
    if (mine !== generation) return;
    clear(resultsNode, errorNotice(error));
  } finally {
    if (mine === generation) resultsNode.removeAttribute('aria-busy');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  go({ ...current, q: form.q.value.trim(), sort: form.sort.value, page: 1 });
});
form.sort.addEventListener('change', () => go({ ...current, sort: form.sort.value, page: 1 }));
window.addEventListener('popstate', () => {
  current = stateFromUrl();
  run();
});

// On a phone the filters start folded so the results come first.
if (window.matchMedia('(max-width: 760px)').matches) document.getElementById('filters-box').open = false;

await startPage();
roundsRead = get('rounds').then((answer) => {
  for (const r of answer.items) roundTitles.set(r.code, r.title);
}, () => {});  // codes then
run();
