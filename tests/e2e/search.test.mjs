// The search page: Chinese, pinyin, traditional characters and ID numbers; filters with
// counts; marked matches; paging; the URL holding the search; a unit's narrower view.
// Expected values come from the demo pool file and the registry's data tables, never
// from the page itself.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  api, busiestProvince, busiestUnit, fixture, kPhone, provinceToken, openBrowser, pinyinOf, pool, shot, signIn, traditionalOf, unitToken, url,
} from './lib.mjs';

// A person whose name is unique in the pool, read one way only, and whose pinyin no
// other name shares: a search by name or by pinyin must put exactly them first.
function distinctivePerson() {
  const rows = pool();
  const names = new Map();
  const readings = new Map();
  for (const r of rows) names.set(r['姓名'], (names.get(r['姓名']) || 0) + 1);
  for (const n of names.keys()) {
    const p = pinyinOf(n);
    if (p) readings.set(p, (readings.get(p) || 0) + 1);
  }
  const person = rows.find((r) => [...r['姓名']].length === 3 && names.get(r['姓名']) === 1 &&
    pinyinOf(r['姓名']) && readings.get(pinyinOf(r['姓名'])) === 1);
  assert.ok(person, 'the demo pool has no person with a distinctive name');
  return person;
}

// A workplace held by one person of the pool that has characters with traditional forms.
function distinctiveWorkplace() {
  const counts = new Map();
  for (const r of pool()) counts.set(r['工作单位'], (counts.get(r['工作单位']) || 0) + 1);
  const row = pool().find((r) => counts.get(r['工作单位']) === 1 && traditionalOf(r['工作单位']));
  assert.ok(row, 'no workplace of the pool can be written in traditional characters');
  return row;
}

async function search(page, q) {
  await page.getByLabel('检索词').fill(q);
  await page.getByRole('button', { name: '检索', exact: true }).click();
  await page.waitForFunction((text) => {
    const s = document.querySelector('.summary');
    const done = s && (text ? s.textContent.includes(`「${text}」`) : s.textContent.startsWith('共'));
    return done && !document.querySelector('#results[aria-busy]');
  }, q);
}

async function total(page) {
  return Number(await page.locator('#total').innerText());
}

async function apiSearch(params) {
  const u = new URL('/api/v1/search', fixture.base);
  for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
  const res = await fetch(u, { headers: { Authorization: `Bearer ${fixture.staffToken}` } });
  assert.equal(res.status, 200);
  return res.json();
}

describe('search', () => {
  let browser;
  let page;
  before(async () => {
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken);
  });
  after(async () => { await browser.close(); });

  test('a Chinese name finds the person first, with the name marked, and the URL holds the query', async () => {
    const person = distinctivePerson();
    await search(page, person['姓名']);
    const first = page.locator('.hit').first();
    assert.equal(await first.locator('.hit-name').innerText(), person['姓名']);
    assert.equal(await first.locator('.hit-name mark').innerText(), person['姓名']);
    assert.equal(await first.locator('.hit-id').innerText(), person['编号']);
    assert.equal(new URL(page.url()).searchParams.get('q'), person['姓名']);
    await shot(page, 'search-name');
  });

  test('the pinyin of the name, typed in Latin letters, finds the same person', async () => {
    const person = distinctivePerson();
    const pinyin = pinyinOf(person['姓名']);
    await search(page, pinyin);
    assert.ok(await total(page) >= 1);
    const first = page.locator('.hit').first();
    assert.equal(await first.locator('.hit-name').innerText(), person['姓名']);
    await shot(page, 'search-pinyin');
  });

  test('a workplace written in traditional characters finds its person, the simplified words marked', async () => {
    const row = distinctiveWorkplace();
    const traditional = traditionalOf(row['工作单位']);
    assert.notEqual(traditional, row['工作单位']);
    await search(page, traditional);
    const first = page.locator('.hit').first();
    assert.equal(await first.locator('.hit-name').innerText(), row['姓名']);
    assert.equal(await first.locator('.hit-unit mark').first().innerText(), row['工作单位']);
    await shot(page, 'search-traditional');
  });

  test('an ID number finds its one person', async () => {
    const person = distinctivePerson();
    await search(page, person['身份证号']);
    assert.equal(await total(page), 1);
    assert.equal(await page.locator('.hit .hit-name').innerText(), person['姓名']);
  });

  test('a word found nowhere is named and left out, and the person is still found', async () => {
    const person = distinctivePerson();
    const cells = pool().map((r) => Object.values(r).join('|')).join('\n');
    const noise = ['锟斤拷', '烫烫烫', '屯屯屯'].find((w) => ![...w].some((c) => cells.includes(c)));
    assert.ok(noise, 'every candidate word occurs in the pool');
    await search(page, `${person['姓名']} ${noise}`);
    assert.equal(await page.locator('.hit .hit-name').first().innerText(), person['姓名']);
    assert.equal(await page.locator('.unmatched').innerText(), `未找到“${noise}”，已忽略`);
    // 「您要找的是不是……」 offers the words kept; one click searches them alone.
    const offered = page.locator('.did-you-mean .suggestion');
    assert.equal(await offered.count(), 1);
    assert.equal(await offered.innerText(), person['姓名']);
    await offered.click();
    await page.waitForFunction((name) => new URL(location.href).searchParams.get('q') === name &&
      !document.querySelector('#results[aria-busy]'), person['姓名']);
    assert.equal(await page.locator('.unmatched').count(), 0);
    assert.equal(await page.locator('.did-you-mean').count(), 0);
    assert.equal(await page.locator('.hit .hit-name').first().innerText(), person['姓名']);
  });

  test('words naming filters show as chips, and taking a chip away takes its word out', async () => {
    const women = pool().filter((r) => r['所在省份'] === '广西壮族自治区' && r['性别'] === '女').length;
    assert.ok(women > 0);
    await search(page, '广西 女');
    const chips = await page.locator('.understood .chip').allInnerTexts();
    assert.deepEqual(chips.map((c) => c.replace('×', '').trim()), ['省份：广西壮族自治区', '性别：女']);
    // 广西 is also text (a unit in Guangxi): at least every woman of Guangxi is found.
    assert.ok(await total(page) >= women);
    const answer = await apiSearch({ q: '广西 女', size: 100 });
    assert.ok(answer.hits.every((h) => h.gender === '女'));
    await shot(page, 'search-understood');
    await page.getByRole('button', { name: '去掉「女」' }).click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '广西' &&
      !document.querySelector('#results[aria-busy]') && document.querySelectorAll('.understood .chip').length === 1);
  });

  test('ticking a province shows its count as the total, and the URL keeps the filter across a reload', async () => {
    await search(page, '');
    assert.equal(await total(page), fixture.persons);
    const expected = pool().filter((r) => r['所在省份'] === '广西壮族自治区').length;
    const option = page.locator('[data-facet="province"] label').filter({ hasText: '广西壮族自治区' });
    assert.equal(Number(await option.locator('.count').innerText()), expected);
    await option.locator('input').check();
    await page.waitForURL(/province=45/);
    await page.waitForFunction((n) => document.querySelector('#total')?.textContent === String(n) &&
      !document.querySelector('#results[aria-busy]'), expected);
    // Gender counts now cover Guangxi only: they add up to the total.
    const genderCounts = await page.locator('[data-facet="gender"] .count').allInnerTexts();
    assert.equal(genderCounts.map(Number).reduce((a, b) => a + b, 0), expected);
    await shot(page, 'search-filtered');
    await page.reload();
    await page.waitForFunction((n) => document.querySelector('#total')?.textContent === String(n), expected);
    assert.ok(await page.locator('[data-facet="province"] input[value="45"]').isChecked());
    await page.locator('[data-facet="province"]').getByRole('button', { name: '清除' }).click();
    await page.waitForFunction((n) => document.querySelector('#total')?.textContent === String(n), fixture.persons);
  });

  test('page 2 shows the next twenty people the API lists, and Back returns to page 1', async () => {
    await page.goto(url('index.html?sort=-age'));
    await page.waitForFunction(() => document.querySelectorAll('.hit').length === 20);
    const firstPage = await page.locator('.hit .hit-id').allInnerTexts();
    await page.getByRole('navigation', { name: '分页' }).getByRole('button', { name: '下一页' }).click();
    await page.waitForURL(/page=2/);
    await page.waitForFunction(() => document.querySelector('.pager .current')?.textContent === '2' &&
      !document.querySelector('#results[aria-busy]'));
    const secondPage = await page.locator('.hit .hit-id').allInnerTexts();
    const api = await apiSearch({ q: '', sort: '-age', page: '2', size: '20' });
    assert.deepEqual(secondPage, api.hits.map((h) => h.id));
    assert.equal(secondPage.filter((id) => firstPage.includes(id)).length, 0);
    await page.goBack();
    await page.waitForFunction(() => !/page=2/.test(location.search) &&
      document.querySelector('.pager .current')?.textContent === '1');
    assert.deepEqual(await page.locator('.hit .hit-id').allInnerTexts(), firstPage);
  });

  test('on a phone the filters start folded and the results come first', async () => {
    const phone = await openBrowser({ viewport: kPhone });
    try {
      const p = await phone.newPage();
      await signIn(p, fixture.staffToken);
      await p.goto(url(`index.html?q=${encodeURIComponent(distinctivePerson()['姓名'])}`));
      await p.locator('.hit').first().waitFor();
      assert.equal(await p.locator('#filters-box').getAttribute('open'), null);
      const box = await p.locator('.hit').first().boundingBox();
      assert.ok(box.width <= kPhone.width, `a result is ${box.width}px wide on a ${kPhone.width}px screen`);
      await shot(p, 'search-phone');
    } finally {
      await phone.close();
    }
  });

  test('a unit searches only the people it recommended and is offered no ethnic-group filter', async () => {
    const unit = busiestUnit();
    const other = await browser.context.newPage();
    await signIn(other, unitToken(unit.code), { next: 'index.html' });
    await other.waitForFunction(() => document.querySelector('.summary')?.textContent.startsWith('共'));
    assert.equal(await total(other), unit.people);
    assert.equal(await other.locator('[data-facet="ethnic_group"]').count(), 0);
    assert.ok(await other.locator('[data-facet="gender"]').count() === 1);
    // A name of another unit's person is not found.
    const outsider = pool().find((r) => r['推荐单位'] !== unit.name && [...r['姓名']].length === 3);
    await search(other, outsider['身份证号']);
    assert.equal(await total(other), 0);
    await shot(other, 'search-unit');
    await other.close();
  });
});

// A name written with other characters of the same reading, matching no one literally and
// by sound only people outside `province`: the API then answers homophones it may not show.
async function homophoneOutside(province, provinceKey) {
  const byReading = new Map();
  for (const line of readFileSync(join(fixture.root, 'data', 'pinyin.tsv'), 'utf8').split('\n')) {
    const [ch, reading] = line.split('\t');
    if (!reading || line.startsWith('#') || reading.includes(',')) continue;
    byReading.set(reading, [...(byReading.get(reading) || []), ch]);
  }
  let tries = 0;
  for (const row of pool()) {
    if (row['所在省份'] === province.name || !pinyinOf(row['姓名'])) continue;
    const chars = [...row['姓名']];
    const last = chars.at(-1);
    const other = (byReading.get(pinyinOf(last)) || []).find((c) => c !== last);
    if (!other) continue;
    const q = [...chars.slice(0, -1), other].join('');
    if (++tries > 40) break;
    const staff = await api('GET', `search?q=${encodeURIComponent(q)}&size=5`, fixture.staffToken);
    if (!staff.homophones || !staff.hits.length) continue;
    const theirs = await api('GET', `search?q=${encodeURIComponent(q)}&size=5`, provinceKey);
    if (theirs.homophones && !theirs.hits.length) return q;
  }
  assert.fail('no name in the pool sounds like someone outside the province only');
}

describe('search, homophones outside a province', () => {
  let browser;
  let page;
  const province = busiestProvince('市科协');
  const token = provinceToken(province.code);
  let q = '';
  before(async () => {
    q = await homophoneOutside(province, token);
    browser = await openBrowser();
    page = await browser.newPage();
  });
  after(async () => { await browser.close(); });

  test('a province whose scope has none of the homophones sees the empty message alone', async () => {
    await signIn(page, token, { next: `index.html?q=${encodeURIComponent(q)}` });
    await page.locator('#results .empty').waitFor();
    assert.equal(await page.locator('#results .hit').count(), 0);
    assert.equal(await page.locator('#results .notice', { hasText: '读音' }).count(), 0);
    await shot(page, 'search-province-homophones');
  });

  test('staff, who see the homophones, get the notice above them and no empty message', async () => {
    const staff = await browser.context.newPage();
    await signIn(staff, fixture.staffToken, { next: `index.html?q=${encodeURIComponent(q)}` });
    await staff.locator('#results .hit').first().waitFor();
    assert.equal(await staff.locator('#results .notice', { hasText: '读音相同或相近' }).count(), 1);
    assert.equal(await staff.locator('#results .empty').count(), 0);
    // 「您要找的是不是……」 offers the names found; one click searches that name.
    const first = await staff.locator('#results .hit .hit-name').first().innerText();
    const offered = staff.locator('.did-you-mean .suggestion').first();
    assert.equal(await offered.innerText(), first);
    await offered.click();
    await staff.waitForFunction((name) => new URL(location.href).searchParams.get('q') === name &&
      !document.querySelector('#results[aria-busy]'), first);
    assert.equal(await staff.locator('#results .hit .hit-name').first().innerText(), first);
    await staff.close();
  });
});
