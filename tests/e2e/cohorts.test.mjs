// Cohorts: staff run the planner for an event, read each goal's figure, exclude a person
// and plan again, send the invitations, and export the roster.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, fixture, openBrowser, shot, signIn, watchNode, xlsxTexts } from './lib.mjs';

describe('cohorts', () => {
  let browser;
  let page;
  let event;
  before(async () => {
    // The event with one class whose people say whether they can attend (专题研修班).
    const events = (await api('GET', 'events', fixture.staffToken)).items;
    event = events.find((e) => e.availability_field && e.classes.length === 1);
    assert.ok(event, 'no event with an availability question in data/events.json');
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'cohorts.html' });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('the events are listed with their classes and seats', async () => {
    const row = page.locator('#events-table tbody tr', { hasText: event.title });
    assert.match(await row.innerText(), new RegExp(`${event.classes[0].name}：已占 0 / ${event.classes[0].capacity}`));
    await shot(page, 'cohorts');
  });

  test('staff run the planner and see each goal\'s figure and the filled seats', async () => {
    await page.locator('#events-table tbody tr', { hasText: event.title }).getByRole('button', { name: '安排名单' }).click();
    await page.getByLabel('少数民族不少于（人）').fill('12');
    await page.getByLabel('女性不少于（人）').fill('30');
    const progress = await watchNode(page, '#plan-progress');
    await page.getByRole('button', { name: '排出建议名单' }).click();
    await page.waitForSelector('body[data-planned="true"]', { timeout: 60000 });
    // While the planner works the page says so and counts the seconds.
    const seen = (await progress()).map((s) => s.text);
    assert.ok(seen.some((t) => /正在排名单，已用 \d+ 秒/.test(t)), `progress: ${seen}`);
    const summary = await page.locator('#plan-summary').innerText();
    const [, filled, seats] = /已排 (\d+) \/ (\d+) 个名额/.exec(summary);
    assert.equal(Number(seats), event.capacity);
    assert.equal(Number(filled), event.capacity, summary);
    const lines = page.locator(`[id="class-${event.classes[0].name}"] tbody tr`);
    assert.equal(await lines.count(), event.capacity);
    // Each goal row says whether it was met, with the API's explanation.
    const goals = await page.locator('#goals tbody tr').allInnerTexts();
    assert.ok(goals.length >= 2, `goals: ${goals}`);
    assert.ok(goals.every((g) => /达到|未达到/.test(g)), `goals: ${goals}`);
    const minority = await page.locator('#goals tbody tr', { hasText: '少数民族' }).innerText();
    assert.match(minority, /12/);
    await page.locator('#plan').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('plan').scrollIntoView());
    await shot(page, 'cohorts-plan', { fullPage: false });
  });

  test('an excluded person is left out when the planner runs again, and the invitations go out', async () => {
    const first = page.locator(`[id="class-${event.classes[0].name}"] tbody tr`).first();
    const person = await first.getAttribute('data-person');
    await first.getByRole('button', { name: '排除' }).click();
    assert.match(await page.locator('#pins-summary').innerText(), /已排除 1 人/);
    await page.evaluate(() => { delete document.body.dataset.planned; });
    await page.getByRole('button', { name: '排出建议名单' }).click();
    await page.waitForSelector('body[data-planned="true"]', { timeout: 60000 });
    const ids = await page.locator(`[id="class-${event.classes[0].name}"] tbody tr`).evaluateAll((rows) =>
      rows.map((r) => r.dataset.person));
    assert.ok(!ids.includes(person), `${person} is still on the roster`);
    await page.getByRole('button', { name: '按此名单发出邀请' }).click();
    await page.locator('#plan .notice-ok').waitFor();
    assert.match(await page.locator('#plan .notice-ok').innerText(), new RegExp(`已邀请 ${event.capacity} 人`));
    await page.locator('#enrolments-table').waitFor();
    assert.equal(await page.locator('#enrolments-table tbody tr').count() >= event.capacity, true);
    const row = page.locator('#events-table tbody tr', { hasText: event.title });
    assert.match(await row.innerText(), new RegExp(`已占 ${event.capacity} / ${event.capacity}`));
  });

  test('the roster downloads as an Excel file with the invited people', async () => {
    const name = await page.locator('#enrolments-table tbody tr td').first().innerText();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出名单（Excel）' }).click(),
    ]);
    const saved = join(fixture.screenshots, 'roster.xlsx');
    await download.saveAs(saved);
    assert.ok(xlsxTexts(readFileSync(saved)).includes(name), `${name} is not in the roster`);
  });

  test('an invited person\'s page shows the invitation in the training history', async () => {
    await page.locator('#enrolments-table tbody tr a').first().click();
    await page.locator('#form-sheet').waitFor();
    const history = await page.locator('section', { hasText: '培训经历' }).locator('tbody tr').allInnerTexts();
    assert.ok(history.some((r) => r.includes(event.title) && r.includes('已邀请')), `history: ${history}`);
  });
});
