// An honour campaign after the recommendation, in the browser: staff see the channels and the
// material still missing, open a review stage and assign an expert; the expert signs in, reads
// a candidate's 推荐表 and photo and scores through the form; staff read the ranking, close the
// stage, start the 公示 (its last day counted in working days across 劳动节), record and
// dismiss an objection and publish. The round, its candidates and the expert account are made
// through the API.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  api, apiSignIn, beijingTime, completeHonourForm, fixture, idNumber, openBrowser, sessionApi, shot, signIn,
  signInWithPassword, unitToken, url,
} from './lib.mjs';

const kRound = `e2e-campaign-${Date.now().toString(36)}`;
const kExpert = { username: `e2e-expert-${Date.now().toString(36)}`, name: '周研究员', password: 'Kx7!Review-Panel-2026' };

function candidate(n, name, idNumberText) {
  return {
    person: {
      id_number: idNumberText, name, gender: n % 2 ? '男' : '女', ethnic_group: '壮族',
      political_affiliation: '无党派人士', unit: '广西壮族自治区农业科学院', post: '研究室主任', title: '研究员',
    },
    group: '农科',
    opinion: '扎根一线，事迹感人，同意推荐。',
  };
}

describe('honour campaign: review and 公示', () => {
  const society = fixture.units.find((u) => u.type === '省级学会');
  const people = [
    { name: '黄丽芳', id: idNumber('450103', '19850312', 162) },
    { name: '韦明华', id: idNumber('450103', '19790607', 171) },
  ];
  let browser;
  let staff;
  before(async () => {
    assert.ok(society, 'the demo registry has no 省级学会');
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'zuimei-guangxi-2024', title: '浏览器测试：最美科技工作者评审',
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'zuimei-guangxi-2024', year: Number(beijingTime(0).slice(0, 4)),
    });
    const token = unitToken(society.code);
    for (const [i, p] of people.entries()) {
      const added = await api('POST', `rounds/${kRound}/recommendations`, token, candidate(i, p.name, p.id));
      p.person = added.item.person.id;
      await completeHonourForm({ token }, added.item.id, p.person, kRound);
    }
    // 黄丽芳 has her 小2寸 photo; the work photos and the stamped form are missing for both.
    mkdirSync(fixture.screenshots, { recursive: true });
    const photo = join(fixture.screenshots, 'campaign-photo.jpg');
    execFileSync('/usr/bin/python3', ['-c',
      'import sys, PIL.Image; PIL.Image.new("RGB", (260, 360), (60, 120, 200)).save(sys.argv[1], "JPEG")', photo]);
    const res = await fetch(new URL(`/api/v1/persons/${people[0].person}/attachments?kind=photo&round=${kRound}`, fixture.base), {
      method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: readFileSync(photo),
    });
    assert.equal(res.status, 201, await res.text());
    await api('POST', `rounds/${kRound}/submit`, token, {});
    browser = await openBrowser();
    staff = await browser.newPage();
    await signIn(staff, fixture.staffToken, { next: 'accounts.html' });
    await staff.waitForSelector('#create-form');
  });
  after(async () => { await browser.close(); });

  test('staff open the expert\'s account with the organisation they work at', async () => {
    const form = staff.locator('#create-form');
    await form.locator('select[name="role"]').selectOption('expert');
    await form.locator('input[name="username"]').fill(kExpert.username);
    await form.locator('input[name="display_name"]').fill(kExpert.name);
    // An expert's organisation is asked for (the API recuses experts by it).
    const organisation = form.locator('input[name="organisation"]');
    assert.ok(await organisation.isVisible());
    await form.getByRole('button', { name: '开设账户' }).click();
    assert.equal(await organisation.evaluate((i) => i.validity.valueMissing), true);
    assert.equal(await staff.locator('#initial-password').count(), 0);
    await form.locator('input[name="organisation"]').fill('中国科学院广西植物研究所');
    await form.getByRole('button', { name: '开设账户' }).click();
    await staff.locator('#initial-password').waitFor();
    const initial = await staff.locator('#initial-password-value').innerText();
    const row = staff.locator(`#account-list tr[data-username="${kExpert.username}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /评审专家/);
    assert.match(await row.innerText(), /中国科学院广西植物研究所/);
    // The first sign-in changes the password someone else set.
    const session = await apiSignIn(kExpert.username, initial);
    assert.equal(session.status, 200);
    await sessionApi(session, 'POST', 'session/password', { current_password: initial, new_password: kExpert.password });
    await staff.goto(url(`campaign.html?round=${kRound}`));
    await staff.waitForSelector('body[data-ready="true"]');
    assert.match(await staff.locator('.topbar .menu').innerText(), /荣誉推选/);
  });

  test('staff see the channel and the missing material, open a stage and assign the expert', async () => {
    const channel = staff.locator(`#channel-list tr[data-unit="${society.code}"]`);
    assert.match(await channel.innerText(), /已报送/);
    assert.match(await channel.innerText(), /1–2 名/);
    const missing = staff.locator('#missing-list tbody tr', { hasText: '韦明华' });
    assert.match(await missing.innerText(), /小2寸/);
    assert.doesNotMatch(await staff.locator('#missing-list tbody tr', { hasText: '黄丽芳' }).innerText(), /小2寸/);

    // A shortlist must leave someone out: the API's message is shown under the form.
    await staff.locator('#open-stage-form input[name="advance"]').fill('2');
    await staff.locator('#open-stage-form').getByRole('button', { name: '开始评审' }).click();
    await staff.locator('#open-stage-form .notice-error').waitFor();
    assert.match(await staff.locator('#open-stage-form .notice-error').innerText(), /advance/);
    await staff.locator('#open-stage-form select[name="kind"]').selectOption('final');
    assert.equal(await staff.locator('#open-stage-form input[name="advance"]').isVisible(), false);
    await staff.locator('#open-stage-form').getByRole('button', { name: '开始评审' }).click();
    await staff.locator('#messages .notice-ok').waitFor();
    assert.match(await staff.locator('#messages').innerText(), /共 2 名候选人/);
    // An unknown username is refused with the API's message, naming the field.
    await staff.locator('.expert-username').first().fill('no-such-expert');
    await staff.locator('#save-experts').click();
    await staff.locator('#assign-experts .notice-error').waitFor();
    assert.match(await staff.locator('#assign-experts .notice-error').innerText(), /experts\[0\]/);
    await staff.locator('.expert-username').first().fill(kExpert.username);
    await staff.locator('#save-experts').click();
    await staff.waitForFunction((name) => document.querySelector('#stage-list tbody tr')?.textContent.includes(name), kExpert.name);
    assert.match(await staff.locator('#ranking-list').innerText(), /0 \/ 1/);
    // Closing before the expert scored asks for force.
    await staff.locator('#close-stage').click();
    await staff.locator('#close-box .notice-error').waitFor();
    assert.match(await staff.locator('#close-box .notice-error').innerText(), /尚有评分未提交/);
    await shot(staff, 'campaign-stage-open');
  });

  test('the expert reads a candidate and scores both through the form', async () => {
    const own = await openBrowser();
    const page = await own.newPage();
    try {
      await signInWithPassword(page, kExpert.username, kExpert.password);
      assert.ok(page.url().endsWith('/expert.html') || page.url().includes('/expert.html?'), page.url());
      await page.waitForSelector('body[data-ready="true"]');
      assert.match(await page.locator('.topbar .menu').innerText(), /评审/);
      assert.equal(await page.locator('#my-stages td.progress').innerText(), '0 / 2');
      const first = await page.locator('#candidate-name').innerText();
      assert.ok(people.some((p) => p.name === first), first);
      const sheet = await page.locator('#candidate-form').innerText();
      assert.match(sheet, /广西壮族自治区农业科学院/);
      assert.equal(await page.locator('#candidate-form tr[data-key="province"] td').innerText(), '广西壮族自治区');
      for (const p of people) assert.ok(!sheet.includes(p.id), 'the ID number reached the expert');
      assert.match(await page.locator('#candidate-opinion').innerText(), /同意推荐/);

      const score = async (points, comment) => {
        for (const [key, value] of Object.entries(points)) await page.locator(`#score-form input[name="${key}"]`).fill(String(value));
        await page.locator('#score-form textarea[name="comment"]').fill(comment);
        await page.locator('#score-form').getByRole('button', { name: '保存评分' }).click();
        await page.locator('#score-result .notice').waitFor();
      };
      // Past a criterion's maximum: the API's message names it.
      await score({ political: 25, achievement: 36.5, story: 20, grassroots: 12 }, '事迹扎实');
      assert.match(await page.locator('#score-result .notice-error').innerText(), /political/);
      await score({ political: 18, achievement: 36.5, story: 20, grassroots: 12 }, '事迹扎实');
      assert.equal(await page.locator('#score-total').innerText(), '86.5 / 100');
      assert.match(await page.locator('#score-result .notice-ok').innerText(), /86\.5 分/);
      await page.waitForFunction(() => document.querySelector('#my-stages td.progress')?.textContent === '1 / 2');
      await shot(page, 'campaign-expert-scored');

      await page.locator('#next-candidate').click();
      await page.waitForFunction((name) => document.querySelector('#candidate-name')?.textContent !== name, first);
      const second = await page.locator('#candidate-name').innerText();
      assert.ok(people.some((p) => p.name === second) && second !== first, second);
      await score({ political: 16, achievement: 30, story: 18, grassroots: 10 }, '业绩较好');
      await page.waitForFunction(() => document.querySelector('#my-stages td.progress')?.textContent === '2 / 2');
      // 黄丽芳's photo shows as a thumbnail through the expert's own route.
      if (second !== '黄丽芳') await page.locator('#previous-candidate').click();
      await page.waitForFunction(() => {
        const img = document.querySelector('#candidate-attachments img.thumbnail');
        return img && img.complete && img.naturalWidth === 260;
      });
      // A saved score comes back into the form.
      const huang = first === '黄丽芳' ? '18' : '16';
      assert.equal(await page.locator('#score-form input[name="political"]').inputValue(), huang);
      await shot(page, 'campaign-expert-candidate');
    } finally {
      await own.close();
    }
  });

  test('staff read the ranking, close the stage, run the 公示 and publish', async () => {
    await staff.reload();
    await staff.waitForSelector('body[data-ready="true"]');
    const rows = staff.locator('#ranking-list tbody tr');
    assert.equal(await rows.count(), 2);
    const top = await rows.first().innerText();
    const topName = people.find((p) => top.includes(p.name)).name;
    assert.match(top, /86\.5/);
    assert.match(top, /1 \/ 1/);
    await staff.locator('#close-stage').click();
    await staff.locator('#start-notice-form').waitFor();
    assert.match(await staff.locator('#stage-list').innerText(), /已结束/);
    assert.equal(await staff.locator('#open-stage-form').count(), 0);
    // The names come from the final ranking; the plan allows 10.
    assert.match(await staff.locator('#notice-count').innerText(), /最多 10 名/);
    await staff.locator(`#notice-choices input[aria-label="公示${topName}"]`).check();
    await staff.locator('#start-notice-form input[name="first_day"]').fill('2024-04-28');
    await staff.locator('#start-notice').click();
    await staff.locator('#notice-last-day').waitFor();
    // Five working days from Sunday 28 April 2024 (a 调休 working day), 劳动节 left out.
    assert.equal(await staff.locator('#notice-last-day').innerText(), '2024-05-07');
    assert.equal(await staff.locator('#notice-workdays').innerText(), '2024-04-28、2024-04-29、2024-04-30、2024-05-06、2024-05-07');
    assert.deepEqual(await staff.locator('#notice-names tbody tr td:first-child').allInnerTexts(), [topName]);

    await staff.locator('#notice summary', { hasText: '登记异议' }).click();
    await staff.locator('#objection-form input[aria-label="收到日期"]').fill('2024-04-30');
    await staff.locator('#objection-form input[aria-label="异议人"]').fill('匿名');
    await staff.locator('#objection-form textarea').fill('反映其论文存在一稿多投');
    await staff.locator('#add-objection').click();
    await staff.locator('#objection-list tbody tr').waitFor();
    assert.match(await staff.locator('#publish-wait').innerText(), /1 条异议未处理/);
    const objection = staff.locator('#objection-list tbody tr').first();
    await objection.locator('input[aria-label="核查情况"]').fill('经核查，系期刊撤稿后改投');
    await objection.getByRole('button', { name: '处理' }).click();
    await staff.locator('#publish').click();
    await staff.waitForFunction(() => document.querySelector('#notice h2')?.textContent.includes('已公布'));
    assert.match(await staff.locator('#objection-list').innerText(), /不成立/);
    await shot(staff, 'campaign-notice-published');
    const person = await api('GET', `persons/${people.find((p) => p.name === topName).person}`, fixture.staffToken);
    assert.equal(person.honours.length, 1);
  });
});
