// The unit's 推荐表 of an honour round: from the portal's link, the form the spec describes, the
// live character counter of 主要事迹 (advice outside 1,200–1,800), a key saved and read back
// after a reload, and the exclusion the data raises about a candidate working in a government
// department, confirmed with a reason.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, beijingTime, fixture, idNumber, openBrowser, shot, signIn, unitToken } from './lib.mjs';

const kRound = `e2e-honour-${Date.now().toString(36)}`;

describe('the unit\'s 推荐表', () => {
  const society = fixture.units.find((u) => u.type === '省级学会');
  let browser;
  let page;
  let id;
  before(async () => {
    assert.ok(society, 'the demo registry has no 省级学会');
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'zuimei-guangxi-2024', kind: 'supplementary', title: '浏览器测试：最美推荐表',
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'zuimei-guangxi-2024', year: Number(beijingTime(0).slice(0, 4)),
    });
    const added = await api('POST', `rounds/${kRound}/recommendations`, unitToken(society.code), {
      person: {
        id_number: idNumber('450103', '19850312', 171), name: '覃蔗农', gender: '男', birth_date: '1985-03-12',
        ethnic_group: '壮族', political_affiliation: '中共党员', unit: '广西壮族自治区农业农村厅', post: '处长',
        title: '研究员', province: '45',
      },
      group: '农科',
      opinion: '扎根基层，同意推荐。',
    });
    id = added.item.id;
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, unitToken(society.code), { next: `portal.html?round=${kRound}` });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('the portal links each candidate to their 推荐表', async () => {
    const link = page.locator(`#items tr[data-id="${id}"] a.honour-form`);
    await link.waitFor();
    await link.click();
    await page.waitForURL(/honour-form\.html\?id=/);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#title').innerText(), '广西“最美科技工作者”推荐表');
    assert.equal(await page.locator('#form fieldset[data-key="推荐领域"] input[type=checkbox]').count(), 5);
  });

  test('主要事迹 counts its characters as they are typed', async () => {
    const deeds = page.locator('#form [data-key="主要事迹"] textarea');
    const count = page.locator('.counter[data-for="主要事迹"]');
    await deeds.fill('甘'.repeat(1000));
    assert.equal(await count.innerText(), '1000 字 / 上限 3000 字（宜在 1200～1800 字之间）');
    assert.match(await count.getAttribute('class'), /advice/);
    // Blanks and line breaks do not count, as on the server.
    await deeds.fill(`${'甘'.repeat(750)}\n\n ${'蔗'.repeat(750)}`);
    assert.equal(await count.innerText(), '1500 字 / 上限 3000 字');
    assert.doesNotMatch(await count.getAttribute('class'), /advice/);
    await deeds.fill('甘'.repeat(3001));
    assert.match(await count.getAttribute('class'), /over/);
    await deeds.fill(`${'甘'.repeat(750)}\n\n${'蔗'.repeat(750)}`);
    await shot(page, 'honour-form-counter');
  });

  test('the form is saved and comes back after a reload', async () => {
    await page.locator('#form fieldset[data-key="推荐领域"] label', { hasText: '科技服务民生' }).locator('input').check();
    await page.locator('#form [data-key="感人故事"] textarea').first().fill('台风过后他第一个走进蔗田。');
    await page.locator('#form [data-key="学习工作经历"] input[data-column="单位"]').first().fill('广西大学农学院');
    await page.locator('#form [data-key="学习工作经历"] input[data-column="起止年月"]').first().fill('2008.07—今');
    await page.locator('#form button[type=submit]').click();
    await page.locator('#messages .notice-ok', { hasText: '推荐表已保存' }).waitFor();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('.counter[data-for="主要事迹"]').innerText(), '1500 字 / 上限 3000 字');
    assert.ok(await page.locator('#form fieldset[data-key="推荐领域"] label', { hasText: '科技服务民生' })
      .locator('input').isChecked());
    assert.equal(await page.locator('#form [data-key="学习工作经历"] input[data-column="单位"]').first().inputValue(),
      '广西大学农学院');
    // Still missing before submission: the declaration, the unit's opinion, the stamped scans.
    const todo = await page.locator('#messages .notice-warning').innerText();
    assert.match(todo, /「个人声明」未填写/);
    assert.match(todo, /缺少所在单位意见（盖章扫描件）/);
  });

  test('a candidate in a government department is asked about, and the unit confirms', async () => {
    const check = page.locator('#exclusions [data-check="official"]');
    await check.waitFor();
    assert.match(await check.innerText(), /不包括各级党政机关工作人员/);
    assert.match(await check.innerText(), /广西壮族自治区农业农村厅/);
    await check.locator('input[name=note]').fill('厅属事业单位科研人员');
    await check.locator('button').click();
    await page.locator('#exclusions [data-check="official"].notice-ok').waitFor();
    assert.match(await page.locator('#exclusions').innerText(), /已确认：厅属事业单位科研人员/);
    await shot(page, 'honour-form-exclusion');
  });
});
