// The search filters that follow the workflow: round (people admitted in a round, under
// its title), honour (people who received one in an honour campaign), trained or not,
// and the year trained when the API counts it. Set up through the API as staff and
// units would: a pool round with two people admitted, an honour round with two of a
// city association's people honoured, three people who attended the 2024 training.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  api, beijingTime, completeHonourForm, fixture, idNumber, openBrowser, pool, shot, signIn, unitToken, url,
} from './lib.mjs';

const kStamp = Date.now().toString(36);
const kPoolRound = `e2e-filters-${kStamp}`;
const kPoolTitle = '浏览器测试：筛选用补充报送';
const kHonourRound = `e2e-filters-honour-${kStamp}`;
const kTrainingEvent = '2024-training';

function newPerson(n, name) {
  const birth = `19${85 + n}0${1 + n}2${n}`;
  return {
    person: {
      id_number: idNumber('110108', birth, 401 + 2 * n), name, gender: '男',
      birth_date: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`, ethnic_group: '汉族',
      political_affiliation: '致公党党员', unit: '中国航天科技集团有限公司第五研究院', post: '研究员',
    },
    opinion: '科研能力突出，热心建言献策。',
  };
}

// Waits until the index has caught up with the writes (it follows them shortly after).
async function facetCount(facet, value) {
  const u = new URL('/api/v1/search', fixture.base);
  for (const [k, v] of Object.entries({ q: '', size: '1', facets: 'true' })) u.searchParams.set(k, v);
  const res = await fetch(u, { headers: { Authorization: `Bearer ${fixture.staffToken}` } });
  const answer = await res.json();
  return { answer, count: (answer.facets[facet] || []).find((f) => f.value === value)?.count || 0 };
}

async function until(facet, value, n) {
  for (let i = 0; i < 120; i++) {
    const { answer, count } = await facetCount(facet, value);
    if (count >= n) return answer;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`the index never counted ${n} for ${facet}=${value}`);
}

async function total(page) {
  return Number(await page.locator('#total').innerText());
}

// A section of a person's page by its heading.
function section(page, title) {
  return page.locator('section').filter({ has: page.locator('h2', { hasText: new RegExp(`^${title}$`) }) });
}

async function settled(page) {
  await page.waitForFunction(() => document.querySelector('.summary') && !document.querySelector('#results[aria-busy]'));
}

describe('search filters', () => {
  let browser;
  let page;
  let honourTitle;
  const honoured = [];
  const trained = [];
  before(async () => {
    const year = Number(beijingTime(0).slice(0, 4));
    const window = { opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10), year };
    // A pool round: a central enterprise's association sends two new people, both admitted.
    const enterprise = fixture.units.find((u) => u.type === '央企科协');
    await api('POST', 'rounds', fixture.staffToken, {
      code: kPoolRound, campaign: 'pool', kind: 'supplementary', title: kPoolTitle, rule_set: 'pool-national-2025', ...window,
    });
    const enterpriseToken = unitToken(enterprise.code);
    const ids = [];
    for (const [i, name] of ['滕远航', '滕启明'].entries()) {
      ids.push((await api('POST', `rounds/${kPoolRound}/recommendations`, enterpriseToken, newPerson(i, name))).item.id);
    }
    await api('POST', `rounds/${kPoolRound}/submit`, enterpriseToken, {});
    await api('POST', 'recommendations/bulk-admit', fixture.staffToken, { ids });
    // An honour round: a Guangxi city association puts two of its people forward, both honoured.
    const counts = new Map();
    for (const r of pool()) counts.set(r['推荐单位'], (counts.get(r['推荐单位']) || 0) + 1);
    const city = fixture.units.filter((u) => u.type === '市科协' && u.province === '45')
      .sort((a, b) => (counts.get(b.name) || 0) - (counts.get(a.name) || 0))[0];
    const round = await api('POST', 'rounds', fixture.staffToken, {
      code: kHonourRound, campaign: 'zuimei-guangxi-2024', title: '浏览器测试：筛选用荣誉推荐', rule_set: 'zuimei-guangxi-2024',
      ...window,
    });
    honourTitle = round.campaign.honour_title;
    const cityToken = unitToken(city.code);
    const opinions = {};
    for (const r of pool().filter((p) => p['推荐单位'] === city.name && p['技术职称']).slice(0, 2)) {
      const added = await api('POST', `rounds/${kHonourRound}/recommendations`, cityToken, { person_id: r['编号'], group: '地市' });
      opinions[added.item.id] = '扎根基层，事迹感人。';
      await completeHonourForm({ token: cityToken }, added.item.id, r['编号'], kHonourRound);
      honoured.push(r['姓名']);
    }
    await api('POST', `rounds/${kHonourRound}/submit`, cityToken, { opinions });
    await api('POST', 'recommendations/bulk-admit', fixture.staffToken, { ids: Object.keys(opinions).map(Number) });
    // Three people of the pool attended the 2024 training, each in their tier's class: people
    // admitted by 2024, and for the 青年人才班 35 or under on its first day (2024-11-17).
    const ageAtStart = (birth) => {
      const [year, month] = String(birth).split('-').map(Number);
      return 2024 - year - (month > 11 ? 1 : 0);
    };
    const eligible = (p) => p['人才类别'] && Number(p['入库年度']) <= 2024 &&
      (p['人才类别'] !== '青年人才' || ageAtStart(p['出生日期']) <= 35);
    for (const r of pool().filter(eligible).slice(0, 3)) {
      for (const action of ['invite', 'confirm', 'attend']) {
        await api('POST', `events/${kTrainingEvent}/enrolments`, fixture.staffToken,
          { id: r['编号'], action, class: r['人才类别'] === '青年人才' ? '青年人才班' : '领军人才班' });
      }
      trained.push(r['编号']);
    }
    await until('round', kPoolRound, 2);
    await until('honour', honourTitle, 2);
    await until('trained', 'yes', 3);
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken);
    await settled(page);
  });
  after(async () => { await browser.close(); });

  test('the round filter lists the round by its title with its two admitted people', async () => {
    const option = page.locator('[data-facet="round"] label').filter({ hasText: kPoolTitle });
    assert.equal(Number(await option.locator('.count').innerText()), 2);
    await option.locator('input').check();
    await page.waitForURL(new RegExp(`round=${kPoolRound}`));
    await page.waitForFunction(() => document.querySelector('#total')?.textContent === '2' &&
      !document.querySelector('#results[aria-busy]'));
    assert.deepEqual((await page.locator('.hit .hit-name').allInnerTexts()).sort(), ['滕启明', '滕远航'].sort());
    await shot(page, 'search-filter-round');
  });

  test('the honour filter finds the people honoured in the campaign', async () => {
    await page.goto(url('index.html'));
    await settled(page);
    const option = page.locator('[data-facet="honour"] label').filter({ hasText: honourTitle });
    assert.equal(Number(await option.locator('.count').innerText()), 2);
    await option.locator('input').check();
    await page.waitForFunction(() => document.querySelector('#total')?.textContent === '2' &&
      !document.querySelector('#results[aria-busy]'));
    assert.deepEqual((await page.locator('.hit .hit-name').allInnerTexts()).sort(), [...honoured].sort());
    await shot(page, 'search-filter-honour');
    // The person's page lists the honour and the round that recommended them.
    await page.locator('.hit .hit-name').first().click();
    await page.locator('#form-sheet').waitFor();
    assert.match(await section(page, '荣誉').innerText(), new RegExp(honourTitle));
    assert.match(await section(page, '推荐记录').innerText(), /浏览器测试：筛选用荣誉推荐/);
  });

  test('trained or not splits the pool, and the trained are the ones who attended', async () => {
    await page.goto(url('index.html'));
    await settled(page);
    const everyone = await total(page);
    const yes = page.locator('[data-facet="trained"] label').filter({ hasText: '参加过培训' }).first();
    const no = page.locator('[data-facet="trained"] label').filter({ hasText: '未参加培训' });
    assert.equal(Number(await yes.locator('.count').innerText()), 3);
    assert.equal(Number(await no.locator('.count').innerText()), everyone - 3);
    await yes.locator('input').check();
    await page.waitForURL(/trained=yes/);
    await page.waitForFunction(() => document.querySelector('#total')?.textContent === '3' &&
      !document.querySelector('#results[aria-busy]'));
    assert.deepEqual((await page.locator('.hit .hit-id').allInnerTexts()).sort(), [...trained].sort());
    const tags = await page.locator('.hit').evaluateAll((hits) => hits.map((h) => h.textContent.includes('参加过培训')));
    assert.deepEqual(tags, [true, true, true]);
    await shot(page, 'search-filter-trained');
    await page.locator('.hit .hit-name').first().click();
    await page.locator('#form-sheet').waitFor();
    assert.match(await section(page, '培训经历').innerText(), /已参加/);
  });

  test('the year trained, when the API counts it, lists 2024 with the three', async (t) => {
    const { answer } = await facetCount('trained_year', '2024');
    if (!answer.facets.trained_year) {
      t.skip('the API answers no trained_year facet');
      return;
    }
    await page.goto(url('index.html'));
    await settled(page);
    const option = page.locator('[data-facet="trained_year"] label').filter({ hasText: '2024年' });
    assert.equal(Number(await option.locator('.count').innerText()), 3);
  });
});
