// Training driven from the cohorts page alone: staff create an event with two classes
// (a mistake shown under its field first), plan it, send the invitations, confirm,
// decline and see who was promoted from the waiting list, move a waiting person up,
// record attendance and absence, mark a seat holder's days one by one (a refusal shown),
// download the sign-in sheet and read ticked sheets back, override who can attend and take
// it back, edit the event, export the roster, and invite past a waiting list as an audited
// override once the plain invitation is refused. The event began three days ago, so its
// first days can be recorded and its last two are still to come. A province then reads its
// own people's enrolments and days with no controls.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, beijingTime, fixture, openBrowser, provinceToken, shot, signIn, xlsxTexts } from './lib.mjs';

const kCode = `e2e-${Date.now().toString(36)}`;
const kTitle = `浏览器测试研修班 ${kCode}`;

function daysFromToday(days) {
  return beijingTime(days).slice(0, 10);
}

// "12月4日", as the page and the sign-in sheet head a day.
function dayLabel(day) {
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日`;
}

const kDay1 = daysFromToday(-3);
const kDay2 = daysFromToday(-2);
const kDay3 = daysFromToday(-1);
const kTomorrow = daysFromToday(1);

describe('training on the cohorts page', () => {
  let browser;
  let page;
  const enrolments = () => api('GET', `events/${kCode}/enrolments`, fixture.staffToken).then((l) => l.items);
  const row = (id) => page.locator(`#enrolments-table tbody tr[data-person="${id}"]`);
  // Clicks a row's action and waits for the status message it leads to.
  const act = async (id, action) => {
    await row(id).locator(`button[data-action="${action}"]`).click();
    await page.locator('#enrolment-status .notice').first().waitFor();
    return page.locator('#enrolment-status').innerText();
  };

  before(async () => {
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'cohorts.html' });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('staff create an event with two classes; a mistake is shown under its field', async () => {
    await page.getByRole('button', { name: '新建培训活动' }).click();
    const form = page.locator('#event-form');
    await form.getByLabel(/^代码/).fill(kCode);
    await form.getByLabel('名称', { exact: true }).fill(kTitle);
    await form.getByLabel(/^系列/).fill(kCode);
    await form.getByLabel('开始日期').fill(kDay1);
    // The end before the start: refused, and said under 结束日期.
    await form.getByLabel('结束日期').fill(daysFromToday(-5));
    await form.getByLabel('地点').fill('北京');
    const classes = form.locator('.class-row');
    await classes.nth(0).getByLabel('班次名称').fill('领军班');
    await classes.nth(0).getByLabel('层次').selectOption('领军人才');
    await classes.nth(0).getByLabel('名额', { exact: true }).fill('3');
    await form.getByRole('button', { name: '添加班次' }).click();
    await classes.nth(1).getByLabel('班次名称').fill('青年班');
    await classes.nth(1).getByLabel('层次').selectOption('青年人才');
    await classes.nth(1).getByLabel('名额', { exact: true }).fill('2');
    await form.getByRole('button', { name: '创建活动' }).click();
    await page.locator('#event-ends_on-error:not(:empty)').waitFor();
    assert.match(await page.locator('#event-ends_on-error').innerText(), /早于开始日期/);
    assert.equal(await form.getByLabel('结束日期').getAttribute('aria-invalid'), 'true');

    await form.getByLabel('结束日期').fill(daysFromToday(2));
    await form.getByRole('button', { name: '创建活动' }).click();
    await form.locator('.notice-ok').waitFor();
    const listed = page.locator('#events-table tbody tr', { hasText: kTitle });
    assert.match(await listed.innerText(), /领军班：已占 0 \/ 3/);
    assert.match(await listed.innerText(), /青年班：已占 0 \/ 2/);
    const stored = await api('GET', `events/${kCode}`, fixture.staffToken);
    assert.equal(stored.capacity, 5);
    await page.locator('#plan-form').waitFor();
  });

  test('the plan is applied: invitations for the seats, the reserve on the waiting lists', async () => {
    await page.locator('#plan-form').getByLabel('每班候补人数').fill('3');
    await page.getByRole('button', { name: '排出建议名单' }).click();
    await page.waitForSelector('body[data-planned="true"]', { timeout: 60000 });
    await page.getByRole('button', { name: '按此名单发出邀请' }).click();
    await page.locator('#plan .notice-ok').waitFor();
    assert.match(await page.locator('#plan .notice-ok').innerText(), /已邀请 5 人，候补 [1-6] 人/);
    await page.locator('#enrolments-table').waitFor();
    const items = await enrolments();
    assert.equal(items.filter((e) => e.state === 'invited').length, 5);
    assert.equal(await page.locator('#enrolments-table tbody tr[data-state="invited"]').count(), 5);
  });

  test('confirm, then a decline shows who was promoted from the waiting list', async () => {
    const items = await enrolments();
    const lead = items.filter((e) => e.class === '领军班' && e.state === 'invited');
    const waiting = items.filter((e) => e.class === '领军班' && e.state === 'waitlisted')
      .sort((a, b) => a.waitlist_rank - b.waitlist_rank);
    assert.ok(waiting.length >= 2, `waiting: ${JSON.stringify(waiting)}`);
    assert.match(await act(lead[0].id, 'confirm'), /已确认/);
    assert.equal(await row(lead[0].id).getAttribute('data-state'), 'confirmed');

    // The second waiting moves up to first: the seat freed next goes to them.
    await act(waiting[1].id, 'up');
    assert.equal((await enrolments()).find((e) => e.id === waiting[1].id).waitlist_rank, 1);

    const text = await act(lead[1].id, 'decline');
    assert.match(text, /已谢绝/);
    assert.match(text, new RegExp(`候补的 ${waiting[1].name} 已递补邀请`));
    assert.equal(await row(waiting[1].id).getAttribute('data-state'), 'invited');
    await shot(page, 'training-promoted');
  });

  test('attended and absent are recorded from the event\'s first day', async () => {
    const items = await enrolments();
    const confirmed = items.find((e) => e.state === 'confirmed');
    const invited = items.find((e) => e.state === 'invited' && e.class === '青年班');
    assert.match(await act(confirmed.id, 'attend'), /已记为参加/);
    // Absence needs a confirmed seat, as a day's mark does: an invited row offers no 缺席.
    assert.equal(await row(invited.id).locator('button[data-action="absent"]').count(), 0);
    assert.match(await act(invited.id, 'confirm'), /已确认/);
    assert.match(await act(invited.id, 'absent'), /已记为缺席/);
    const after = await enrolments();
    assert.equal(after.find((e) => e.id === confirmed.id).state, 'attended');
    assert.equal(after.find((e) => e.id === invited.id).state, 'absent');
  });

  test('a change made meanwhile elsewhere is refused with a clear message and the list read again', async () => {
    const invited = (await enrolments()).find((e) => e.state === 'invited');
    // Someone else confirms first: the page's version is stale.
    await api('POST', `events/${kCode}/enrolments`, fixture.staffToken, { id: invited.id, action: 'confirm' });
    const text = await act(invited.id, 'remove');
    assert.match(text, /已被他人修改/);
    assert.equal(await row(invited.id).getAttribute('data-state'), 'confirmed');
  });

  // Chooses a day's mark in a row and waits for the status message it leads to.
  const markDay = async (id, day, mark) => {
    await row(id).locator(`select[data-day="${day}"]`).selectOption(mark);
    await page.locator('#enrolment-status .notice').first().waitFor();
    return page.locator('#enrolment-status').innerText();
  };
  let marked;  // the person whose days are marked one by one

  test('staff mark a seat holder present on day 1 and absent on day 2; the state follows the days', async () => {
    marked = (await enrolments()).find((e) => e.state === 'confirmed' && e.days.length === 0);
    assert.ok(marked, 'a confirmed person with no days recorded');
    // Days still to come are shown but cannot be chosen; nothing is recorded yet.
    assert.equal(await row(marked.id).locator(`select[data-day="${kTomorrow}"]`).isDisabled(), true);
    assert.equal(await row(marked.id).locator(`select[data-day="${kDay1}"]`).isDisabled(), false);
    assert.equal(await row(marked.id).locator(`select[data-day="${kDay1}"]`).inputValue(), '');

    assert.match(await markDay(marked.id, kDay1, 'present'), new RegExp(`${dayLabel(kDay1)}记为出席，状态为已参加`));
    assert.equal(await row(marked.id).getAttribute('data-state'), 'attended');
    assert.match(await markDay(marked.id, kDay2, 'absent'), new RegExp(`${dayLabel(kDay2)}记为缺席`));

    const stored = (await enrolments()).find((e) => e.id === marked.id);
    assert.equal(stored.state, 'attended');
    assert.deepEqual(stored.days, [{ day: kDay1, present: true }, { day: kDay2, present: false }]);
    assert.equal(await row(marked.id).getAttribute('data-state'), 'attended');
    assert.equal(await row(marked.id).locator(`select[data-day="${kDay1}"]`).inputValue(), 'present');
    assert.equal(await row(marked.id).locator(`select[data-day="${kDay2}"]`).inputValue(), 'absent');
    assert.equal(await row(marked.id).locator(`select[data-day="${kDay3}"]`).inputValue(), '');

    // Day 1 corrected to absent: every recorded day absent, so the state is absent.
    assert.match(await markDay(marked.id, kDay1, 'absent'), /状态为缺席/);
    assert.equal(await row(marked.id).getAttribute('data-state'), 'absent');
    assert.match(await markDay(marked.id, kDay1, 'present'), /状态为已参加/);
    await shot(page, 'training-days');
  });

  test('a mark the API refuses (the seat given up meanwhile) shows its message', async () => {
    const someone = (await enrolments()).find((e) => e.state === 'invited');
    assert.match(await act(someone.id, 'confirm'), /已确认/);
    // Declined elsewhere while the page still shows the seat.
    await api('POST', `events/${kCode}/enrolments`, fixture.staffToken, { id: someone.id, action: 'decline' });
    await markDay(someone.id, kDay1, 'present');
    const refused = page.locator('#enrolment-status .notice-error');
    await refused.waitFor();
    assert.match(await refused.innerText(), new RegExp(someone.name));
    assert.equal(await row(someone.id).getAttribute('data-state'), 'declined');
    assert.equal(await row(someone.id).locator('select').count(), 0);
    assert.deepEqual((await enrolments()).find((e) => e.id === someone.id).days, []);
  });

  test('the sign-in sheet downloads with the days; sent back unchanged it records nothing new', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出签到表（Excel）' }).click(),
    ]);
    const saved = join(fixture.screenshots, `${kCode}-signin.xlsx`);
    await download.saveAs(saved);
    const texts = xlsxTexts(readFileSync(saved));
    assert.ok(texts.includes(marked.name), `${marked.name} is not on the sign-in sheet`);
    for (const day of [kDay1, kDay2, kTomorrow]) assert.ok(texts.some((t) => t.startsWith(dayLabel(day))), `no column for ${day}`);

    await page.locator('#signin-file').setInputFiles(saved);
    const result = page.locator('#signin-result .notice-ok');
    await result.waitFor();
    assert.match(await result.innerText(), /没有变化/);
  });

  test('a ticked sheet records its marks; a faulty one lists each cell and records nothing', async () => {
    const ticked = join(fixture.screenshots, `${kCode}-ticked.csv`);
    writeFileSync(ticked, `编号,姓名,${dayLabel(kDay3)}\n${marked.id},${marked.name},√\n`);
    await page.locator('#signin-file').setInputFiles(ticked);
    const result = page.locator('#signin-result .notice-ok');
    await result.waitFor();
    assert.match(await result.innerText(), /1 人的出勤有变化/);
    await page.waitForFunction(([id, day]) => document.querySelector(
      `tr[data-person="${id}"] select[data-day="${day}"]`)?.value === 'present', [marked.id, kDay3]);
    assert.deepEqual((await enrolments()).find((e) => e.id === marked.id).days.map((d) => [d.day, d.present]),
      [[kDay1, true], [kDay2, false], [kDay3, true]]);

    // An unreadable mark on row 2 and a mark on a day still to come on row 3.
    const faulty = join(fixture.screenshots, `${kCode}-faulty.csv`);
    writeFileSync(faulty, `编号,姓名,${dayLabel(kDay2)},${dayLabel(kTomorrow)}\n`
      + `${marked.id},${marked.name},也许,\n${marked.id},${marked.name},,√\n`);
    await page.locator('#signin-file').setInputFiles(faulty);
    const refused = page.locator('#signin-result .notice-error');
    await refused.waitFor();
    const lines = await refused.locator('li').allInnerTexts();
    assert.ok(lines.some((l) => l.startsWith('第2行')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('第3行')), lines.join('\n'));
    assert.equal((await enrolments()).find((e) => e.id === marked.id).days.length, 3);
  });

  test('staff override who can attend and take the override back', async () => {
    const someone = (await enrolments()).find((e) => e.state === 'waitlisted');
    await row(someone.id).locator('button[data-action="availability"]').click();
    const cell = row(someone.id).locator('.availability');
    await cell.waitFor();
    assert.match(await cell.innerText(), /通知未询问/);
    await row(someone.id).getByRole('button', { name: '设为不能参加' }).click();
    await page.waitForFunction((id) => /不能参加（工作人员设置）/.test(
      document.querySelector(`tr[data-person="${id}"] .availability`)?.textContent || ''), someone.id);
    const set = await api('GET', `events/${kCode}/availability/${someone.id}`, fixture.staffToken);
    assert.deepEqual([set.available, set.source], [false, 'staff']);
    await row(someone.id).getByRole('button', { name: '撤销设置' }).click();
    await page.waitForFunction((id) => /通知未询问/.test(
      document.querySelector(`tr[data-person="${id}"] .availability`)?.textContent || ''), someone.id);
    assert.equal((await api('GET', `events/${kCode}/availability/${someone.id}`, fixture.staffToken)).source, 'not_asked');
  });

  test('staff edit the event: a class below its seats taken is refused by its row, a new place is saved', async () => {
    await page.locator('#events-table tbody tr', { hasText: kTitle }).locator(`button[data-edit="${kCode}"]`).click();
    const form = page.locator('#event-form');
    await form.locator('.class-row').nth(0).getByLabel('名额', { exact: true }).fill('1');
    await form.getByRole('button', { name: '保存修改' }).click();
    await form.locator('.class-error:not(:empty)').first().waitFor();
    assert.match(await form.locator('.class-row').nth(0).locator('.class-error').innerText(), /人占用名额，不能减到 1/);
    await form.locator('.class-row').nth(0).getByLabel('名额', { exact: true }).fill('4');
    await form.locator('.class-row').nth(1).getByLabel('最高年龄').fill('60');
    await form.getByLabel('地点').fill('上海');
    await form.getByRole('button', { name: '保存修改' }).click();
    await form.locator('.notice-ok').waitFor();
    const stored = await api('GET', `events/${kCode}`, fixture.staffToken);
    assert.equal(stored.place, '上海');
    assert.equal(stored.classes[0].capacity, 4);
    assert.equal(stored.classes[1].max_age, 60);
    assert.equal(stored.classes[0].max_age ?? null, null);
    assert.match(await page.locator('#events-table tbody tr', { hasText: kTitle }).innerText(), /上海/);
  });

  test('the roster downloads with the people holding seats', async () => {
    const holder = (await enrolments()).find((e) => e.state === 'attended');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出名单（Excel）' }).click(),
    ]);
    const saved = join(fixture.screenshots, `${kCode}-roster.xlsx`);
    await download.saveAs(saved);
    const texts = xlsxTexts(readFileSync(saved));
    assert.ok(texts.includes(holder.name), `${holder.name} is not in the roster`);
  });

  test('a province reads its own people\'s enrolments, without controls', async () => {
    const items = await enrolments();
    const provinces = new Map();
    for (const e of items) {
      const person = await api('GET', `persons/${e.id}`, fixture.staffToken);
      provinces.set(e.id, String(person.province?.code ?? person.province));
    }
    const province = provinces.get(items[0].id);
    const mine = items.filter((e) => provinces.get(e.id) === province).map((e) => e.id).sort();
    const theirs = await openBrowser();
    try {
      const view = await theirs.newPage();
      await signIn(view, provinceToken(province), { next: `cohorts.html?event=${kCode}` });
      await view.waitForSelector('body[data-ready="true"]');
      await view.locator('#enrolments-table').waitFor();
      const shown = (await view.locator('#enrolments-table tbody tr').evaluateAll((rows) =>
        rows.map((r) => r.dataset.person))).sort();
      assert.deepEqual(shown, mine);
      assert.equal(await view.locator('#enrolments-table button').count(), 0);
      assert.equal(await view.locator('#enrolments-table select').count(), 0);
      for (const e of items.filter((o) => mine.includes(o.id) && o.days.length)) {
        const shownDays = await view.locator(`tr[data-person="${e.id}"] .days li`).allInnerTexts();
        assert.equal(shownDays.length, e.days.length, `${e.id}: ${shownDays}`);
      }
      assert.equal(await view.locator('#plan-form').count(), 0);
      assert.equal(await view.getByRole('button', { name: '新建培训活动' }).count(), 0);
      assert.match(await view.locator('#enrolments h2').innerText(), /本省人员报名情况/);
      await shot(view, 'training-province');
    } finally {
      await theirs.close();
    }
  });
  test('an invitation past the waiting list is refused, then sent as an audited override', async () => {
    // A one-seat class whose two waiting people cannot attend: the seat given up stays free.
    const leaders = (await enrolments()).filter((e) => e.class === '领军班').map((e) => e.id);
    assert.ok(leaders.length >= 3, `leaders: ${leaders}`);
    const [first, second, third] = leaders;
    const code = `${kCode}-w`;
    await api('POST', 'events', fixture.staffToken, {
      code, title: `${kTitle} 候补`, series: code, starts_on: daysFromToday(40), ends_on: daysFromToday(41),
      place: '北京', capacity: 1, classes: [{ name: '领军班', level: '领军人才', capacity: 1 }],
    });
    const enrol = (id, action) => api('POST', `events/${code}/enrolments`, fixture.staffToken, { id, action });
    await enrol(first, 'invite');
    await enrol(second, 'waitlist');
    await enrol(third, 'waitlist');
    for (const id of [second, third]) {
      await api('PUT', `events/${code}/availability/${id}`, fixture.staffToken, { available: false });
    }
    assert.equal((await enrol(first, 'remove')).promoted ?? null, null);

    await page.goto(new URL(`cohorts.html?event=${code}`, fixture.base).href);
    await page.waitForSelector('body[data-ready="true"]');
    await row(first).waitFor();
    assert.equal(await row(first).getAttribute('data-state'), 'removed');
    assert.match(await act(first, 'invite'), /候补名单上有 2 人排在/);
    const override = page.locator('#enrolment-status button[data-action="ahead-of-waitlist"]');
    assert.equal(await override.innerText(), '越过候补名单邀请');
    await override.click();
    await page.locator('#enrolment-status .notice-ok').waitFor();
    assert.match(await page.locator('#enrolment-status').innerText(), /已越过候补名单邀请/);
    assert.equal(await row(first).getAttribute('data-state'), 'invited');
    assert.equal(await page.locator('#enrolment-status button[data-action="ahead-of-waitlist"]').count(), 0);

    const audit = await api('GET', `audit?action=invite&object_id=${encodeURIComponent(`${code}/${first}`)}`, fixture.staffToken);
    // Two invitations of that person: the first plain, the override saying whom it passed over.
    assert.equal(audit.total, 2);
    const passed = audit.items.filter((i) => i.detail?.passed_over_waitlist);
    assert.equal(passed.length, 1, JSON.stringify(audit.items));
    assert.equal(passed[0].detail.passed_over_waitlist, 2);
    assert.equal(passed[0].detail.to, 'invited');
    const seat = (await api('GET', `events/${code}`, fixture.staffToken)).classes[0];
    assert.deepEqual([seat.seats_taken, seat.waitlisted], [1, 2]);
    await shot(page, 'training-pass-over');
  });

});
