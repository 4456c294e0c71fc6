// The staff dashboard: the pool by province (a map of China), unit type, ethnic group,
// age band, gender, tier and admission year, drawn with Apache ECharts (served from
// vendor/, see copy-vendor.mjs). Counts come from GET /api/v1/stats and from the facets
// of an empty search (every person the token may see). Each chart has its numbers in a
// table under 查看数据, to read or copy into Excel.
// A provincial association sees the same page for its own province: the API scopes the
// counts, the search facets and the rounds' lists to it, and answers fewer totals (no
// map then, and unit types from the facets).

import { call, get } from './api.js';
import { kRecommendationStates, provinceName } from './labels.js';
import { clear, el, errorNotice, notice, saveDownload, startPage } from './shell.js';

const messages = document.getElementById('messages');
const figuresNode = document.getElementById('figures');
const chartsNode = document.getElementById('charts');
const roundsNode = document.getElementById('rounds');

const kAgeOrder = ['35岁及以下', '36-45岁', '46-55岁', '56岁及以上'];
const kPalette = ['#1b4f8f', '#c8553d', '#2a9d8f', '#e9a03b', '#6d597a', '#5c946e', '#b56576', '#457b9d'];

const charts = [];

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// Tooltips as plain text: ECharts' default markup carries inline styles, which the
// pages' Content-Security-Policy refuses.
const tooltip = (format) => ({
  trigger: 'item',
  formatter: (p) => escapeHtml(format(p)),
});

function figure(label, n) {
  return el('div', { class: 'figure' }, el('div', { class: 'n' }, Number(n || 0).toLocaleString('zh-CN')),
    el('div', { class: 'label' }, label));
}

// A chart's numbers (`chart` its key; empty: every chart, a sheet each) as an XLSX download
// from GET /api/v1/stats.xlsx, counted in the caller's scope as the charts are; the rounds'
// progress from GET /api/v1/stats/rounds.xlsx, every round with its units and states.
async function downloadChart(chart, button) {
  button.disabled = true;
  try {
    const response = chart === 'rounds'
      ? await call('GET', 'stats/rounds.xlsx', { raw: true })
      : await call('GET', 'stats.xlsx', { params: { chart }, raw: true });
    await saveDownload(response, `stats-${chart || 'all'}.xlsx`);
  } catch (error) {
    clear(messages, errorNotice(error));
  } finally {
    button.disabled = false;
  }
}

function downloadButton(chart, label = '下载数据（Excel）') {
  const button = el('button', { type: 'button', class: 'download', dataset: { download: chart || 'all' },
    onclick: () => downloadChart(chart, button) }, label);
  return button;
}

// A chart card: title, the chart, and its numbers as a table. `rows` are [label, count];
// `counted` heads the count column.
function chartCard(id, title, rows, { wide = false, note, counted = '人数' } = {}) {
  const total = rows.reduce((n, [, v]) => n + v, 0);
  const node = el('div', { class: 'chart', id: `chart-${id}`, role: 'img', 'aria-label': title });
  const card = el('section', { class: wide ? 'chart-card wide' : 'chart-card', dataset: { chart: id } },
    el('div', { class: 'row chart-head' }, el('h2', {}, title), downloadButton(id)),
    note ? el('p', { class: 'hint' }, note) : null,
    node,
    el('details', { class: 'chart-data' },
      el('summary', {}, '查看数据'),
      el('table', { class: 'list' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '类别'), el('th', { scope: 'col' }, counted),
          el('th', { scope: 'col' }, '占比'))),
        el('tbody', {}, rows.map(([label, v]) => el('tr', {}, el('td', {}, label), el('td', {}, String(v)),
          el('td', {}, total ? `${(100 * v / total).toFixed(1)}%` : '—')))))));
  chartsNode.append(card);
  return node;
}

function draw(echarts, node, option) {
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  chart.setOption({ color: kPalette, aria: { enabled: true }, animation: false, ...option });
  charts.push(chart);
  return chart;
}

// Charts follow the window's size once per frame. A chart whose box is momentarily empty
// (a window being restored, a page being captured) is left alone: the map's projection
// cannot be inverted at size zero and ECharts would throw.
let resizeFrame = 0;
function resizeCharts() {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    for (const chart of charts) {
      const dom = chart.getDom();
      if (dom.clientWidth > 0 && dom.clientHeight > 0) chart.resize();
    }
  });
}

function barOption(rows, { horizontal = false, name = '人数' } = {}) {
  const labels = rows.map(([l]) => l);
  const values = rows.map(([, v]) => v);
  const category = { type: 'category', data: labels, axisLabel: { interval: 0, hideOverlap: true } };
  const valueAxis = { type: 'value', minInterval: 1 };
  return {
    tooltip: tooltip((p) => `${p.name}：${p.value} 人`),
    grid: { left: horizontal ? 110 : 50, right: 20, top: 20, bottom: horizontal ? 30 : 50 },
    xAxis: horizontal ? valueAxis : { ...category, axisLabel: { ...category.axisLabel, rotate: labels.length > 6 ? 30 : 0 } },
    yAxis: horizontal ? { ...category, inverse: true } : valueAxis,
    series: [{ type: 'bar', name, data: values, label: { show: true, position: horizontal ? 'right' : 'top' } }],
  };
}

function pieOption(rows) {
  return {
    tooltip: tooltip((p) => `${p.name}：${p.value} 人（${p.percent}%）`),
    legend: { bottom: 0 },
    series: [{
      type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'],
      label: { formatter: '{b}\n{c} 人' },
      data: rows.map(([name, value]) => ({ name, value })),
    }],
  };
}

function entries(object) {
  return Object.entries(object || {}).map(([k, v]) => [k, Number(v)]);
}

function facetRows(facets, name) {
  return (facets[name] || []).map(({ value, count }) => [value, count]);
}

async function loadEcharts() {
  try {
    const echarts = await import('../vendor/echarts.esm.min.mjs');
    const geo = await fetch(new URL('../vendor/china.json', import.meta.url));
    if (!geo.ok) throw new Error('china.json');
    echarts.registerMap('china', await geo.json());
    return echarts;
  } catch {
    clear(messages, notice('error', '图表库未安装：请在 web/ 目录运行 npm ci（或用 scripts/demo.sh 启动）。下面只列出数字。'));
    return null;
  }
}

async function provinceMap(echarts, byProvince) {
  // Feature ids of the map are the six-digit GB/T 2260 codes; the API counts by the
  // first two digits.
  const rows = entries(byProvince).filter(([code]) => code !== '未填')
    .map(([code, n]) => [code, provinceName(code), n]).sort((a, b) => b[2] - a[2]);
  const unknown = Number((byProvince || {})['未填'] || 0);
  const node = chartCard('province', '各省份入库人数', rows.map(([, name, n]) => [name, n]), {
    wide: true,
    note: unknown ? `另有 ${unknown} 人未填所在省份（如全国学会、央企推荐的人员）。` : null,
  });
  if (!echarts) return;
  const map = echarts.getMap('china');
  const shortName = new Map((map.geoJSON || map.geoJson).features.map((f) => [String(f.id).slice(0, 2), f.properties.name]));
  const max = Math.max(1, ...rows.map(([, , n]) => n));
  draw(echarts, node, {
    tooltip: tooltip((p) => `${p.data ? p.data.full : p.name}：${p.value || 0} 人`),
    visualMap: { min: 0, max, left: 10, bottom: 10, text: ['多', '少'], calculable: true,
      inRange: { color: ['#e3ecf7', '#1b4f8f'] } },
    series: [{
      type: 'map', map: 'china', roam: false, zoom: 1.15, top: 30,
      label: { show: false },
      emphasis: { label: { show: true } },
      data: rows.map(([code, full, value]) => ({ name: shortName.get(code) || full, value, full })),
    }],
  });
}

// Rounds' progress: for the latest rounds, how many recommended people are at each
// state, from each round's lists (GET /api/v1/rounds/{code}/submissions).
const kProgressStates = ['draft', 'submitted', 'under_review', 'returned', 'admitted', 'rejected'];
const kRoundsShown = 4;

async function roundsProgress(echarts) {
  let rounds;
  try {
    rounds = (await get('rounds')).items;
  } catch (error) {
    clear(roundsNode, el('h2', {}, '推荐批次进度'), errorNotice(error));
    return;
  }
  const latest = [...rounds].sort((a, b) => b.deadline.localeCompare(a.deadline)).slice(0, kRoundsShown);
  const lists = await Promise.all(latest.map((r) => get(`rounds/${encodeURIComponent(r.code)}/submissions`)));
  const rows = latest.map((r, i) => {
    const counts = Object.fromEntries(kProgressStates.map((s) => [s, 0]));
    let units = 0;
    for (const list of lists[i].items) {
      units += 1;
      for (const [state, n] of Object.entries(list.by_state || {})) counts[state] = (counts[state] || 0) + n;
    }
    return { round: r, units, counts };
  });
  const node = el('div', { class: 'chart', id: 'chart-rounds', role: 'img', 'aria-label': '推荐批次进度' });
  const people = rows.reduce((n, { counts }) => n + Object.values(counts).reduce((a, b) => a + b, 0), 0);
  clear(roundsNode, el('div', { class: 'row chart-head' }, el('h2', {}, '推荐批次进度'),
    rows.length ? downloadButton('rounds') : null),
    rows.length && !people ? el('p', { class: 'hint' }, '这些批次还没有单位报送人员。') : null,
    rows.length ? [node, el('details', { class: 'chart-data', open: !echarts },
      el('summary', {}, '查看数据'),
      el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'rounds-table' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '推荐批次'), el('th', { scope: 'col' }, '单位数'),
          kProgressStates.map((s) => el('th', { scope: 'col' }, kRecommendationStates[s])))),
        el('tbody', {}, rows.map(({ round, units, counts }) => el('tr', { dataset: { round: round.code } },
          el('td', {}, round.title, round.open ? el('span', { class: 'tag ok' }, '进行中') : null),
          el('td', {}, String(units)),
          kProgressStates.map((s) => el('td', {}, String(counts[s])))))))))]
      : el('p', { class: 'muted' }, '还没有推荐批次。'));
  if (!echarts || !rows.length) return;
  draw(echarts, node, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (items) => escapeHtml(`${items[0].name}：` + items.map((i) => `${i.seriesName} ${i.value} 人`).join('，')) },
    legend: { top: 0 },
    grid: { left: 10, right: 20, top: 40, bottom: 10, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: rows.map(({ round }) => round.title),
      axisLabel: { width: 220, overflow: 'truncate' } },
    series: kProgressStates.map((s) => ({ type: 'bar', stack: 'people', name: kRecommendationStates[s],
      data: rows.map(({ counts }) => counts[s]) })),
  });
}

async function main() {
  const me = await startPage({ roles: ['staff', 'province'] });
  if (me.role === 'province') {
    const province = me.province ? me.province.name || provinceName(me.province.code) : '本省';
    document.querySelector('h1').textContent = `${province}人才库统计`;
  }
  let stats;
  let search;
  try {
    [stats, search] = await Promise.all([get('stats'), get('search', { q: '', size: 1, facets: 'true' })]);
  } catch (error) {
    clear(messages, errorNotice(error));
    return;
  }
  const facets = search.facets || {};
  if (stats.scope !== 'all') {
    await scopedDashboard(stats, search, facets);
    return;
  }
  // 入库人员 are people with an admission (a recommendation's draft is not one); 参训人次
  // counts attendance, not invitations.
  const marked = (stats.attended || 0) + (stats.absent || 0);
  clear(
      figuresNode, figure('入库人员', stats.admitted), figure('推荐单位', stats.units),
      figure('入库记录', stats.admissions), figure('荣誉记录', stats.honours),
      figure('推荐批次', stats.rounds), figure('推荐人次', stats.recommendations),
      figure('培训活动', stats.events), figure('参训人次', stats.attended),
      el('div', {class: 'figure'},
         el('div', {class: 'n'}, marked ? `${Math.round((100 * stats.attended) / marked)}%` : '—'),
         el('div', {class: 'label'}, '出勤率')));

  figuresNode.after(el('div', { class: 'actions' }, downloadButton('', '下载全部图表数据（Excel）')));
  const echarts = await loadEcharts();
  // Past a few thousand matches the index scales facet counts from a sample.
  const sampled = search.facets_estimated ? '人数为抽样估算。' : null;
  await provinceMap(echarts, stats.by_province);

  const byUnitType = entries(stats.by_unit_type).sort((a, b) => b[1] - a[1]);
  const unitTypeNode = chartCard('unit-type', '按推荐单位类型', byUnitType);
  // Ethnic groups: the ten largest, the rest together.
  const ethnic = facetRows(facets, 'ethnic_group').sort((a, b) => b[1] - a[1]);
  const ethnicShown = ethnic.slice(0, 10);
  const rest = ethnic.slice(10).reduce((n, [, v]) => n + v, 0);
  if (rest) ethnicShown.push([`其他${ethnic.length - 10}个民族`, rest]);
  const ethnicNode = chartCard('ethnic', '按民族', ethnicShown, { note: sampled });
  const ages = facetRows(facets, 'age_band').sort((a, b) => kAgeOrder.indexOf(a[0]) - kAgeOrder.indexOf(b[0]));
  const ageNode = chartCard('age', '按年龄段', ages, { note: sampled });
  const genderNode = chartCard('gender', '按性别', facetRows(facets, 'gender'), { note: sampled });
  const tierNode = chartCard('tier', '按人才类别', entries(stats.by_tier));
  const years = entries(stats.by_year).sort((a, b) => a[0].localeCompare(b[0]));
  const yearNode = chartCard('year', '按入库年度', years.map(([y, n]) => [y === '未填' ? y : `${y}年`, n]));
  // Attendance by the year of each event's start: people marked attended, not invitations.
  const trained = entries(stats.attended_by_year || {}).sort((a, b) => a[0].localeCompare(b[0]))
    .map(([y, n]) => [`${y}年`, n]);
  const trainedNode = chartCard('trained-year', '各年度参训人次', trained, {
    note: '按活动开始年度计，只计已参加者。', counted: '人次' });

  if (echarts) {
    draw(echarts, unitTypeNode, barOption(byUnitType, { horizontal: true }));
    draw(echarts, ethnicNode, barOption(ethnicShown, { horizontal: true }));
    draw(echarts, ageNode, barOption(ages));
    draw(echarts, genderNode, pieOption(facetRows(facets, 'gender')));
    draw(echarts, tierNode, pieOption(entries(stats.by_tier)));
    draw(echarts, yearNode, barOption(years.map(([y, n]) => [y === '未填' ? y : `${y}年`, n])));
    draw(echarts, trainedNode, barOption(trained));
    window.addEventListener('resize', resizeCharts);
  }
  await roundsProgress(echarts);
  document.body.dataset.ready = 'true';
}

// One province's figures: its people and admissions, then the charts the facets of
// its (scoped) search allow.
async function scopedDashboard(stats, search, facets) {
  clear(figuresNode,
    figure('本省人员', stats.persons),
    figure('已入库', stats.admitted));
  figuresNode.after(el('div', { class: 'actions' }, downloadButton('', '下载全部图表数据（Excel）')));
  const echarts = await loadEcharts();
  const sampled = search.facets_estimated ? '人数为抽样估算。' : null;
  const byUnitType = facetRows(facets, 'unit_type').sort((a, b) => b[1] - a[1]);
  const unitTypeNode = chartCard('unit-type', '按推荐单位类型', byUnitType, { note: sampled });
  const ethnic = facetRows(facets, 'ethnic_group').sort((a, b) => b[1] - a[1]);
  const ethnicShown = ethnic.slice(0, 10);
  const rest = ethnic.slice(10).reduce((n, [, v]) => n + v, 0);
  if (rest) ethnicShown.push([`其他${ethnic.length - 10}个民族`, rest]);
  const ethnicNode = chartCard('ethnic', '按民族', ethnicShown, { note: sampled });
  const ages = facetRows(facets, 'age_band').sort((a, b) => kAgeOrder.indexOf(a[0]) - kAgeOrder.indexOf(b[0]));
  const ageNode = chartCard('age', '按年龄段', ages, { note: sampled });
  const genderNode = chartCard('gender', '按性别', facetRows(facets, 'gender'), { note: sampled });
  const tierNode = chartCard('tier', '按人才类别', entries(stats.by_tier));
  const years = entries(stats.by_year).sort((a, b) => a[0].localeCompare(b[0]))
    .map(([y, n]) => [y === '未填' ? y : `${y}年`, n]);
  const yearNode = chartCard('year', '按入库年度', years);
  if (echarts) {
    draw(echarts, unitTypeNode, barOption(byUnitType, { horizontal: true }));
    draw(echarts, ethnicNode, barOption(ethnicShown, { horizontal: true }));
    draw(echarts, ageNode, barOption(ages));
    draw(echarts, genderNode, pieOption(facetRows(facets, 'gender')));
    draw(echarts, tierNode, pieOption(entries(stats.by_tier)));
    draw(echarts, yearNode, barOption(years));
    window.addEventListener('resize', resizeCharts);
  }
  await roundsProgress(echarts);
  document.body.dataset.ready = 'true';
}

main();
