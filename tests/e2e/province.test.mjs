// A provincial association's staff (省级科协 token): they sign in, search and see only
// their province's people, open a person with the ID number masked, read the lists of
// their own province's units in a round (read-only: deciding is CAST's), and see their
// province's dashboard. Expected values come from the demo pool file and the API.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  api, beijingTime, busiestProvince, countyOf, fixture, idNumber, openBrowser, pool, provinceToken, shot, signIn, unitToken, url,
} from './lib.mjs';

const kRound = `e2e-province-${Date.now().toString(36)}`;
const kTitle = '浏览器测试：省级科协查看的推荐批次';

// A man recommended by a unit, his ID number issued in the unit's province.
function person(n, name, unit) {
  const birth = `19${80 + n}0${1 + n}1${n}`;
  return {
    person: {
      id_number: idNumber(countyOf(unit.province), birth, 301 + 2 * n), name, gender: '男',
      birth_date: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`, ethnic_group: '壮族',
      political_affiliation: '民盟盟员', unit: unit.name, post: '高级工程师',
    },
    opinion: '业务精湛，热心建言献策。',
  };
}

async function total(page) {
  return Number(await page.locator('#total').innerText());
}

describe('province', () => {
  let browser;
  let page;
  // The rounds of the Guangxi 2024 rule set take 市科协: one of this province, one of another.
  const province = busiestProvince('市科协');
  const ours = fixture.units.find((u) => u.type === '市科协' && u.province === province.code);
  const theirs = fixture.units.find((u) => u.type === '市科协' && u.province && u.province !== province.code);
  const people = pool().filter((r) => r['所在省份'] === province.name);
  // The pool file's people of the province and the one its unit adds below.
  const inProvince = people.length + 1;
  const outsider = pool().find((r) => r['所在省份'] && r['所在省份'] !== province.name);

  before(async () => {
    assert.ok(ours && theirs, 'the demo registry lacks 市科协 in two provinces');
    assert.ok(people.length > 0 && outsider, 'the demo pool has no people of the province, or none elsewhere');
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'pool', kind: 'supplementary', title: kTitle, opens_at: beijingTime(-1),
      deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10), rule_set: 'pool-guangxi-2024', year,
    });
    await api('POST', `rounds/${kRound}/recommendations`, unitToken(ours.code), person(1, '农本地', ours));
    await api('POST', `rounds/${kRound}/recommendations`, unitToken(theirs.code), person(2, '邝外省', theirs));
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, provinceToken(province.code));
  });
  after(async () => { await browser.close(); });

  test('a province signs in to search, under its own name and menu', async () => {
    assert.ok(new URL(page.url()).pathname.endsWith('/index.html'), page.url());
    assert.equal(await page.locator('.topbar .role').innerText(), '省级科协工作人员');
    assert.equal(await page.locator('.topbar .who-name').innerText(), province.name);
    assert.deepEqual(await page.getByRole('navigation', { name: '页面' }).getByRole('link').allInnerTexts(),
      ['检索', '统计', '本省推荐名单', '本省培训', '账户']);
  });

  test('an empty search lists exactly the province\'s people, and one of another province is not found', async () => {
    await page.waitForFunction(() => document.querySelector('.summary')?.textContent.startsWith('共') &&
      !document.querySelector('#results[aria-busy]'));
    assert.equal(await total(page), inProvince);
    const provinces = await page.locator('[data-facet="province"] .facet-value').allInnerTexts();
    assert.deepEqual(provinces, [province.name]);
    const tags = await page.locator('.hit .tag').allInnerTexts();
    assert.ok(tags.includes(province.name), `no hit tagged ${province.name}: ${tags}`);
    await shot(page, 'province-search');
    await page.goto(url(`index.html?q=${encodeURIComponent(outsider['身份证号'])}`));
    await page.waitForFunction(() => document.querySelector('.summary')?.textContent.includes('「') &&
      !document.querySelector('#results[aria-busy]'));
    assert.equal(await total(page), 0);
  });

  test('a person of the province opens with the ID number and phone masked, and no way to reveal them', async () => {
    const someone = people.find((r) => r['身份证号'] && r['手机']);
    await page.goto(url(`index.html?q=${encodeURIComponent(someone['身份证号'])}`));
    await page.getByRole('link', { name: someone['姓名'] }).click();
    await page.locator('#form-sheet').waitFor();
    const id = await page.locator('#id-number').innerText();
    assert.notEqual(id, someone['身份证号']);
    assert.match(id, /^\d{4}\*+\w{4}$/);
    assert.ok(!(await page.locator('#phone').innerText()).includes(someone['手机']));
    assert.equal(await page.getByRole('button', { name: /查看完整/ }).count(), 0);
    await shot(page, 'province-person');
  });

  test('the lists page shows only the province\'s units, and says it is read-only', async () => {
    await page.getByRole('link', { name: '本省推荐名单' }).click();
    await page.waitForURL(/review\.html/);
    await page.goto(url(`review.html?round=${kRound}`));
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('h1').innerText(), `${province.name}推荐单位名单`);
    assert.match(await page.locator('#messages .notice-info').innerText(), /审核.+由中国科协工作人员进行，本页只读/);
    const units = await page.locator('#submissions-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.unit));
    assert.deepEqual(units, [ours.code]);
    // The API agrees: staff see both units, the province one.
    const all = (await api('GET', `rounds/${kRound}/submissions`, fixture.staffToken)).items.map((s) => s.unit.code);
    assert.ok(all.includes(theirs.code));
    await page.locator('#submissions-table tbody tr').first().getByRole('button', { name: '查看' }).click();
    const table = page.locator('#detail-table');
    await table.waitFor();
    assert.match(await table.locator('tbody').innerText(), /农本地/);
    assert.equal(await page.getByRole('button', { name: '批量入库' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: '不通过' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /导出/ }).count(), 0);
    await shot(page, 'province-review');
  });

  test('the dashboard counts the province\'s people', async () => {
    await page.goto(url('dashboard.html'));
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('h1').innerText(), `${province.name}人才库统计`);
    const figure = page.locator('.figure', { hasText: '本省人员' }).locator('.n');
    assert.equal(await figure.innerText(), inProvince.toLocaleString('zh-CN'));
    const genders = await page.locator('[data-chart="gender"] tbody tr').evaluateAll((trs) =>
      Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)])));
    const expected = { 男: 1 };  // 农本地
    for (const r of people) expected[r['性别']] = (expected[r['性别']] || 0) + 1;
    assert.deepEqual(genders, expected);
    assert.equal(await page.locator('[data-chart="province"]').count(), 0);
    assert.ok(await page.locator(`#rounds-table tr[data-round="${kRound}"]`).count() === 1);
    await shot(page, 'province-dashboard');
  });

  // cohorts.html is a province's read-only training page (training.test.mjs).
  test('staff-only pages tell a province they are for CAST staff', async () => {
    for (const file of ['import.html']) {
      await page.goto(url(file));
      await page.getByText('此页面供中国科协工作人员使用').waitFor();
    }
  });
});
