// The staff dashboard: figures, the map of China and the other charts (Apache ECharts,
// served from the pages' own vendor/ folder), each with its numbers in a table; training
// per year from the people who attended.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, busiestUnit, fixture, kPhone, openBrowser, pool, shot, signIn, unitToken } from './lib.mjs';

function countBy(column) {
  const counts = new Map();
  for (const r of pool()) if (r[column]) counts.set(r[column], (counts.get(r[column]) || 0) + 1);
  return counts;
}

// [label, count] rows of a chart's data table.
async function chartTable(page, chart) {
  const rows = await page.locator(`[data-chart="${chart}"] tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]));
  return new Map(rows);
}

// How many different colours a chart's canvas holds: a drawn chart has many, an empty
// canvas one or two.
function canvasColours(page, chart) {
  return page.locator(`[data-chart="${chart}"] canvas`).first().evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set();
    for (let i = 0; i < data.length; i += 16) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  });
}

describe('dashboard', () => {
  let browser;
  let page;
  before(async () => {
    // Two people of the pool attended the 2024 training, each in their tier's class: admitted
    // by 2024, and for the 青年人才班 35 or under on its first day (2024-11-17).
    const ageAtStart = (birth) => {
      const [year, month] = String(birth).split('-').map(Number);
      return 2024 - year - (month > 11 ? 1 : 0);
    };
    const eligible = (p) => p['人才类别'] && Number(p['入库年度']) <= 2024 &&
      (p['人才类别'] !== '青年人才' || ageAtStart(p['出生日期']) <= 35);
    for (const r of pool().filter(eligible).slice(0, 2)) {
      for (const action of ['invite', 'confirm', 'attend']) {
        await api('POST', 'events/2024-training/enrolments', fixture.staffToken,
          { id: r['编号'], action, class: r['人才类别'] === '青年人才' ? '青年人才班' : '领军人才班' });
      }
    }
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'dashboard.html' });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('the figures count the pool, and training by attendance', async () => {
    const figure = page.locator('.figure', { hasText: '入库人员' }).locator('.n');
    assert.equal(await figure.innerText(), fixture.persons.toLocaleString('zh-CN'));
    const stats = await page.evaluate(async () => (await fetch('api/v1/stats', {
      headers: { Authorization: 'Bearer ' + sessionStorage.getItem('talentpool.token') } })).json());
    const attended = page.locator('.figure', { hasText: '参训人次' }).locator('.n');
    assert.equal(await attended.innerText(), stats.attended.toLocaleString('zh-CN'));
    await page.locator('.figure', { hasText: '出勤率' }).waitFor();
  });

  test('the map of China and every chart are drawn', async () => {
    const charts = await page.locator('[data-chart]').evaluateAll((nodes) => nodes.map((n) => n.dataset.chart));
    assert.deepEqual(charts, ['province', 'unit-type', 'ethnic', 'age', 'gender', 'tier', 'year', 'trained-year']);
    for (const chart of charts) {
      const colours = await canvasColours(page, chart);
      assert.ok(colours > 10, `chart ${chart} looks empty (${colours} colours)`);
    }
    // ECharts describes each chart for screen readers; the map's names provinces.
    const label = await page.locator('#chart-province').getAttribute('aria-label');
    assert.match(label, /广西/);
    await shot(page, 'dashboard');
  });

  test('the charts\' tables hold the pool\'s counts by province, ethnic group, gender and tier', async () => {
    const provinces = await chartTable(page, 'province');
    for (const [name, n] of countBy('所在省份')) assert.equal(provinces.get(name), n, name);
    const ethnic = await chartTable(page, 'ethnic');
    assert.equal(ethnic.get('汉族'), countBy('民族').get('汉族'));
    assert.deepEqual(await chartTable(page, 'gender'), countBy('性别'));
    assert.deepEqual(await chartTable(page, 'tier'), countBy('人才类别'));
    const years = await chartTable(page, 'year');
    for (const [year, n] of countBy('入库年度')) assert.equal(years.get(`${year}年`), n, year);
  });

  test('training per year counts the people who attended, by the year the event began', async () => {
    const card = page.locator('[data-chart="trained-year"]');
    assert.equal(await card.locator('h2').innerText(), '各年度参训人次');
    const stats = await api('GET', 'stats', fixture.staffToken);
    assert.deepEqual(stats.attended_by_year, { 2024: 2 });
    assert.deepEqual(await chartTable(page, 'trained-year'), new Map([['2024年', 2]]));
    assert.equal(await card.locator('thead th').nth(1).textContent(), '人次');
  });

  test('hovering a province of the map shows its name and count', async () => {
    const chart = page.locator('#chart-province');
    const box = await chart.boundingBox();
    // Sweep the map until the tooltip names a province (where Guangxi lies depends on the
    // size of the chart, so no position is assumed).
    let text = '';
    for (let y = 0.3; y < 0.9 && !/：\d+ 人/.test(text); y += 0.1) {
      for (let x = 0.3; x < 0.9 && !/：\d+ 人/.test(text); x += 0.1) {
        await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
        await page.waitForTimeout(50);
        text = await chart.evaluate((node) => node.textContent);
      }
    }
    const m = /(\S+?)：(\d+) 人/.exec(text);
    assert.ok(m, `no tooltip over the map: "${text}"`);
    const counts = countBy('所在省份');
    assert.equal(counts.get(m[1]) ?? 0, Number(m[2]), `tooltip "${m[0]}"`);
  });

  test('rounds\' progress lists the latest rounds with their people by state', async () => {
    const rounds = (await api('GET', 'rounds', fixture.staffToken)).items
      .sort((a, b) => b.deadline.localeCompare(a.deadline)).slice(0, 4);
    const rows = page.locator('#rounds-table tbody tr');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.round)), rounds.map((r) => r.code));
    for (const r of rounds) {
      const lists = (await api('GET', `rounds/${r.code}/submissions`, fixture.staffToken)).items;
      const units = await page.locator(`#rounds-table tr[data-round="${r.code}"] td`).nth(1).innerText();
      assert.equal(Number(units), lists.length, r.code);
    }
    await page.locator('#rounds').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('rounds').scrollIntoView());
    await shot(page, 'dashboard-rounds', { fullPage: false });
  });

  test('on a phone the charts stack in one column', async () => {
    const phone = await openBrowser({ viewport: kPhone });
    try {
      const p = await phone.newPage();
      await signIn(p, fixture.staffToken, { next: 'dashboard.html' });
      await p.waitForSelector('body[data-ready="true"]');
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= kPhone.width, `the page is ${width}px wide on a ${kPhone.width}px screen`);
      await shot(p, 'dashboard-phone');
    } finally {
      await phone.close();
    }
  });

  test('a unit opening the dashboard is told it is for CAST and provincial staff', async () => {
    const unitPage = await browser.context.newPage();
    await signIn(unitPage, unitToken(busiestUnit().code), { next: 'dashboard.html' });
    await unitPage.getByText('此页面供中国科协工作人员、省级科协工作人员使用').waitFor();
    assert.equal(await unitPage.locator('[data-chart]').count(), 0);
    await unitPage.close();
  });
});
