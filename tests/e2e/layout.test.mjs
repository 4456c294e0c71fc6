// Every page fits the window, on a laptop (1400 px wide) and on a phone (390 px): the page
// is no wider than the window and nothing shown reaches past its right edge, not even
// inside a table that scrolls sideways (a button there is cut off on a phone). Each page is
// opened as the role it is for, with a round, lists, a quota problem and an invitation to
// show, and saved as a screenshot per width. Every page's icon is found.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  api, apiSignIn, beijingTime, busiestProvince, busiestUnit, completeHonourForm, countyOf, fixture, idNumber, kPhone,
  openBrowser, readyAccount, sessionApi, shot, signInWithPassword, url,
} from './lib.mjs';

const kRound = `e2e-layout-${Date.now().toString(36)}`;
const kEvent = `e2e-layout-${Date.now().toString(36)}`;
const kHonourRound = `e2e-layout-honour-${Date.now().toString(36)}`;
const kWidths = { laptop: { width: 1400, height: 900 }, phone: kPhone };

function person(n, name, unit) {
  const birth = `19${80 + n}0${1 + n}1${n}`;
  return {
    person: {
      id_number: idNumber(countyOf(unit.province || '11'), birth, 500 + 2 * n), name, gender: '女',
      birth_date: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`, ethnic_group: '汉族',
      political_affiliation: '无党派人士', unit: unit.name, post: '研究员',
    },
    opinion: '科研能力突出，积极参与建言献策。',
  };
}

// What reaches past the window's right edge: the page itself, or any element with a size
// that is not hidden (elements clipped by a scrolling ancestor count: they are cut off).
function overflowing(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found = [];
    if (document.documentElement.scrollWidth > width) {
      found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    for (const node of document.body.querySelectorAll('*')) {
      const box = node.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      if (getComputedStyle(node).visibility === 'hidden') continue;
      if (box.right + window.scrollX > width + 1) {
        const name = node.tagName.toLowerCase() + (node.id ? `#${node.id}` : '') +
          (node.className && typeof node.className === 'string' ? `.${node.className.trim().split(/\s+/).join('.')}` : '');
        found.push(`${name} 「${(node.textContent || '').trim().slice(0, 20)}」 ends at ${Math.round(box.right)} px`);
      }
    }
    return found.slice(0, 8);
  });
}

// Whether a single character stands on a line of its own in a heading or caption (a title
// squeezed into one character's width).
function squeezedTitles(page) {
  return page.evaluate(() => [...document.querySelectorAll('h1, h2, caption')]
    .filter((n) => n.getBoundingClientRect().height && n.textContent.trim().length > 2)
    .filter((n) => {
      const range = document.createRange();
      range.selectNodeContents(n);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      const style = getComputedStyle(n);
      return lines.size >= n.textContent.trim().length - 1 && parseFloat(style.lineHeight || '0') > 0;
    })
    .map((n) => n.textContent.trim()));
}

describe('every page fits the window', () => {
  const unit = busiestUnit();
  const province = busiestProvince('市科协');
  const provincial = fixture.units.find((u) => u.type === '省级科协');
  const society = fixture.units.find((u) => u.type === '省级学会');
  const accounts = {};
  let inviteLink = '';
  let honourForm = '';  // the candidate's 推荐表, for staff and for the unit that recommends

  before(async () => {
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'pool', kind: 'concentrated', title: '浏览器测试：版面检查用的推荐批次',
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'pool-national-2025', year,
    });
    accounts.staff = await readyAccount('e2e-layout-staff', 'staff', 'Layout#Staff-2026');
    accounts.province = await readyAccount('e2e-layout-province', 'province', 'Layout#Province-2026',
      { province: province.code });
    accounts.unit = await readyAccount('e2e-layout-unit', 'unit', 'Layout#Unit-2026', { unit: unit.code });
    const provincialAccount = await readyAccount('e2e-layout-provincial', 'unit', 'Layout#Provincial-2026',
      { unit: provincial.code });
    // One person on the unit's list; one on a provincial association's, whose minimums then fail.
    const unitSession = await apiSignIn(accounts.unit.username, accounts.unit.password);
    await sessionApi(unitSession, 'POST', `rounds/${kRound}/recommendations`, person(1, '叶知秋', unit));
    const provincialSession = await apiSignIn(provincialAccount.username, provincialAccount.password);
    await sessionApi(provincialSession, 'POST', `rounds/${kRound}/recommendations`, person(2, '程远航', provincial));
    const invitation = await sessionApi(unitSession, 'POST', `rounds/${kRound}/invitations`,
      { name: '林晓舟', mobile: '13912345678' });
    inviteLink = url(invitation.link.replace(/^\//, ''));
    // An honour round with a candidate in review and an expert assigned, for the campaign's pages.
    await api('POST', 'rounds', fixture.staffToken, {
      code: kHonourRound, campaign: 'zuimei-guangxi-2024', title: '浏览器测试：版面检查用的最美科技工作者推荐',
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'zuimei-guangxi-2024', year,
    });
    const societyAccount = await readyAccount('e2e-layout-society', 'unit', 'Layout#Society-2026', { unit: society.code });
    accounts.society = societyAccount;
    const societySession = await apiSignIn(societyAccount.username, societyAccount.password);
    const honoured = person(3, '韦海燕', society);
    honoured.person.id_number = idNumber('450103', '19830413', 506);
    honoured.person.title = '研究员';
    honoured.group = '农科';
    const candidate = await sessionApi(societySession, 'POST', `rounds/${kHonourRound}/recommendations`, honoured);
    await completeHonourForm({ session: societySession }, candidate.item.id, candidate.item.person.id, kHonourRound);
    honourForm = `honour-form.html?id=${candidate.item.id}`;
    await sessionApi(societySession, 'POST', `rounds/${kHonourRound}/submit`, {});
    const expert = await api('POST', 'accounts', fixture.staffToken, {
      username: 'e2e-layout-expert', display_name: '谭编审', role: 'expert', organisation: '广西科技出版社',
    });
    const expertSession = await apiSignIn('e2e-layout-expert', expert.initial_password);
    await sessionApi(expertSession, 'POST', 'session/password',
      { current_password: expert.initial_password, new_password: 'Layout#Expert-2026' });
    accounts.expert = { username: 'e2e-layout-expert', password: 'Layout#Expert-2026' };
    const stage = await api('POST', `rounds/${kHonourRound}/reviews`, fixture.staffToken, { kind: 'final' });
    await api('PUT', `reviews/${stage.id}/experts`, fixture.staffToken, { experts: [{ username: 'e2e-layout-expert' }] });
    // An event with seat holders and a waiting list, so the enrolments' controls are shown.
    await api('POST', 'events', fixture.staffToken, {
      code: kEvent, title: '浏览器测试：版面检查用的培训活动', series: kEvent, starts_on: beijingTime(0).slice(0, 10),
      ends_on: beijingTime(2).slice(0, 10), place: '北京', capacity: 2, classes: [{ name: '研修班', capacity: 2 }],
    });
    const people = (await api('GET', `search?province=${province.code}&size=3`, fixture.staffToken)).hits;
    for (const [i, hit] of people.entries()) {
      await api('POST', `events/${kEvent}/enrolments`, fixture.staffToken,
        { id: hit.id, action: i < 2 ? 'invite' : 'waitlist' });
    }
  });

  // The pages each role opens, as addresses.
  const pagesOf = () => ({
    nobody: ['signin.html', inviteLink],
    staff: ['index.html', 'index.html?q=%E6%9E%97', 'person.html?id=P0000001', `review.html?round=${kRound}`,
      `review.html?round=${kRound}&unit=${provincial.code}`, 'cohorts.html', `cohorts.html?event=${kEvent}`,
      'dashboard.html', 'import.html', `campaign.html?round=${kHonourRound}`,
      'accounts.html', 'password.html', `portal.html?unit=${unit.code}&round=${kRound}`,
      `invitations.html?unit=${unit.code}&round=${kRound}`, honourForm],
    province: ['index.html', `review.html?round=${kRound}`, 'dashboard.html', 'cohorts.html',
      `cohorts.html?event=${kEvent}`, 'accounts.html'],
    unit: [`portal.html?round=${kRound}`, `invitations.html?round=${kRound}`, 'index.html'],
    expert: ['expert.html'],
    // A unit of another type (a provincial society), with its honour candidate.
    society: [honourForm],
  });

  for (const [widthName, viewport] of Object.entries(kWidths)) {
    for (const role of ['nobody', 'staff', 'province', 'unit', 'expert', 'society']) {
      test(`at ${viewport.width} px, the pages of ${role === 'nobody' ? 'no sign-in' : role === 'society' ? 'a society (unit)' : role} fit`, async () => {
        const browser = await openBrowser({ viewport });
        const page = await browser.newPage();
        const missing = [];
        page.on('response', (response) => {
          if (response.status() === 404 && /favicon/.test(response.url())) missing.push(response.url());
        });
        try {
          if (role !== 'nobody') {
            await signInWithPassword(page, accounts[role].username, accounts[role].password);
          }
          const problems = [];
          for (const address of pagesOf()[role]) {
            await page.goto(address.startsWith('http') ? address : url(address));
            await page.waitForLoadState('networkidle');
            const file = new URL(page.url()).pathname.split('/').pop();
            problems.push(...(await overflowing(page)).map((p) => `${file}: ${p}`));
            problems.push(...(await squeezedTitles(page)).map((t) => `${file}: 「${t}」 stands one character a line`));
            // Headless chromium asks for no icon by itself: ask for the one a browser would,
            // the page's link or else /favicon.ico.
            const icon = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href ||
              new URL('/favicon.ico', location.href).href);
            const iconAnswer = await page.request.get(icon);
            if (!iconAnswer.ok()) missing.push(`${file}: ${icon} (${iconAnswer.status()})`);
            const name = `layout-${widthName}-${role}-${file.replace('.html', '')}` +
              (address.includes('unit=') ? '-unit' : address.includes('q=') ? '-query' : '');
            await shot(page, name);
          }
          // The events' 安排名单 opens a planner with its own tables.
          if (role === 'staff') {
            await page.goto(url('cohorts.html'));
            await page.waitForSelector('body[data-ready="true"]');
            await page.locator('#events-table tbody tr').first().getByRole('button', { name: '安排名单' }).click();
            await page.waitForLoadState('networkidle');
            problems.push(...(await overflowing(page)).map((p) => `cohorts.html (planner): ${p}`));
            await shot(page, `layout-${widthName}-staff-cohorts-planner`);
            // The event form with its classes, and an enrolment's 可否参加 opened.
            await page.getByRole('button', { name: '新建培训活动' }).click();
            await page.locator('#event-form').waitFor();
            await page.goto(url(`cohorts.html?event=${kEvent}`));
            await page.waitForSelector('body[data-ready="true"]');
            await page.locator('#events-table tbody tr', { hasText: '版面检查' }).locator(`button[data-edit="${kEvent}"]`).click();
            await page.locator('#event-form').waitFor();
            await page.locator('#enrolments-table button[data-action="availability"]').first().click();
            await page.locator('#enrolments-table .availability').first().waitFor();
            problems.push(...(await overflowing(page)).map((p) => `cohorts.html (event form, enrolments): ${p}`));
            await shot(page, `layout-${widthName}-staff-cohorts-enrolments`);
          }
          assert.deepEqual(problems, []);
          assert.deepEqual(missing, [], 'a favicon was asked for and not found');
        } finally {
          await browser.close();
        }
      });
    }
  }

  test('the icon is served as SVG', async () => {
    const res = await fetch(url('css/favicon.svg'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^image\/svg\+xml/);
    assert.match(await res.text(), /<svg[\s>]/);
  });
});
