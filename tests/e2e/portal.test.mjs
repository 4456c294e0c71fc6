// The unit portal: a round open now (made by staff through the API for the test), the
// live quota, the instant "already enrolled" warning, adding a new person, uploading a
// 推荐学员汇总表 with bad rows and downloading the annotated copy, and a refused
// submission that names the broken rules.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  api, beijingTime, busiestUnit, fixture, idNumber, kPhone, openBrowser, pool, shot, signIn, unitToken,
  xlsxTexts,
} from './lib.mjs';

const kRound = `e2e-portal-${Date.now().toString(36)}`;
const kTitle = '浏览器测试：科技界党外代表人士补充报送';

describe('unit portal', () => {
  let browser;
  let page;
  const unit = busiestUnit();
  let token;
  before(async () => {
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'pool', kind: 'concentrated', title: kTitle, opens_at: beijingTime(-1),
      deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10), rule_set: 'pool-national-2025', year,
    });
    token = unitToken(unit.code);
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, token, { next: `portal.html?round=${kRound}` });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('the open round shows its deadline and the unit\'s quota', async () => {
    assert.equal(await page.locator('#round h2').innerText(), kTitle);
    // The deadline has its year, as the review page's does.
    const year = beijingTime(20).slice(0, 4);
    assert.match(await page.locator('.deadline').innerText(),
      new RegExp(`截止时间：${year}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}（北京时间）`));
    assert.match(await page.locator('.deadline').innerText(), /还剩 \d+ 天/);
    assert.equal(await page.locator('#quota-used').innerText(), '0');
    // The unit's type decides the quota: its rule names the type.
    assert.match(await page.locator('#quota h3').innerText(), new RegExp(unit.type));
    await shot(page, 'portal');
  });

  test('typing the ID number of an enrolled person warns at once, and adding them is refused', async () => {
    const enrolled = pool().find((r) => r['推荐单位'] !== unit.name && r['入库年度']);
    const form = page.locator('#add-form');
    await form.getByLabel('身份证号').fill(enrolled['身份证号']);
    const warning = form.locator('.notice-warning');
    await warning.waitFor();
    assert.equal(await warning.innerText(), `该人员已于${enrolled['入库年度']}年入库，无需重复推荐。`);
    // The warning says when, never who recommended them.
    assert.ok(!(await warning.innerText()).includes(enrolled['推荐单位']));
    await form.getByLabel('姓名').fill(enrolled['姓名']);
    await form.getByLabel('性别').selectOption(enrolled['性别']);
    await form.getByLabel('出生日期').fill(enrolled['出生日期']);
    await form.getByLabel('民族').fill(enrolled['民族']);
    await form.getByLabel('政治面貌').fill(enrolled['政治面貌']);
    await form.getByLabel('工作单位').fill(enrolled['工作单位']);
    await form.getByLabel('推荐单位意见').fill('政治立场坚定，业务能力突出。');
    await form.getByRole('button', { name: '加入推荐名单' }).click();
    const refusal = page.locator('#add-result .notice-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), new RegExp(`${enrolled['入库年度']}年入库`));
    assert.equal(await page.locator('#quota-used').innerText(), '0');
    await shot(page, 'portal-enrolled-warning');
  });

  test('a person of the unit admitted earlier, named by 编号 or picked from its people, is not offered again', async () => {
    const admitted = pool().find((r) => r['推荐单位'] === unit.name && r['入库年度']);
    assert.ok(admitted, `no admitted person of ${unit.name} in the pool`);
    const expected = `已于${admitted['入库年度']}年入库，无需重复推荐`;
    assert.match(await page.locator('#existing-hint').innerText(), /^已推荐入库的人员不必再次推荐/);
    await page.locator('#existing-by-id').getByLabel('人员编号').fill(admitted['编号']);
    await page.locator('#existing-by-id').getByRole('button', { name: '查找' }).click();
    const row = page.locator(`#existing-candidates tr[data-person="${admitted['编号']}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(expected));
    assert.equal(await row.getByRole('button').count(), 0);
    // The same from the list of the unit's own people.
    await page.locator('#existing-by-name').getByLabel('本单位推荐过的人员').fill(admitted['姓名']);
    await page.locator('#existing-by-name').getByRole('button', { name: '列出' }).click();
    await page.locator('#existing-list .summary', { hasText: '找到' }).waitFor();
    const picked = page.locator(`#existing-candidates tr[data-person="${admitted['编号']}"]`);
    assert.match(await picked.innerText(), new RegExp(expected));
    assert.equal(await picked.getByRole('button').count(), 0);
    // A person of another unit is not found by 编号 at all.
    const other = pool().find((r) => r['推荐单位'] !== unit.name);
    await page.locator('#existing-by-id').getByLabel('人员编号').fill(other['编号']);
    await page.locator('#existing-by-id').getByRole('button', { name: '查找' }).click();
    await page.locator('#existing-list .notice-error').waitFor();
    assert.equal(await page.locator('#existing-candidates').count(), 0);
    assert.equal(await page.locator('#quota-used').innerText(), '0');
    await shot(page, 'portal-existing-admitted');
  });

  test('a new person is added to the list and the quota counts them', async () => {
    const id = idNumber('450103', '19930315', 212);
    const form = page.locator('#add-form');
    await form.getByLabel('身份证号').fill(id);
    await form.locator('.notice-ok').waitFor();
    assert.match(await form.locator('.notice-ok').innerText(), /未查到入库记录/);
    await form.getByLabel('姓名').fill('韦青山');
    await form.getByLabel('性别').selectOption('女');
    await form.getByLabel('出生日期').fill('1993-03-15');
    await form.getByLabel('民族').fill('壮族');
    await form.getByLabel('政治面貌').fill('九三学社社员');
    await form.getByLabel('工作单位').fill('广西大学');
    await form.getByLabel('职务').fill('副教授');
    await form.getByLabel('所属群体').selectOption('新社会组织');
    await form.getByLabel('推荐单位意见').fill('长期从事亚热带农业研究，成果突出，热心科普。');
    await form.getByRole('button', { name: '加入推荐名单' }).click();
    await page.locator('#add-result .notice-ok').waitFor();
    assert.match(await page.locator('#add-result').innerText(), /已将 韦青山 加入推荐名单/);
    assert.equal(await page.locator('#quota-used').innerText(), '1');
    const rows = await page.locator('#items tbody tr').allInnerTexts();
    assert.equal(rows.length, 1);
    assert.match(rows[0], /韦青山/);
  });

  test('an uploaded sheet with bad rows adds the good one and gives back the bad ones annotated', async () => {
    const good = idNumber('450103', '19880722', 331);
    const sheet = [
      '序号,姓名,性别,民族,出生年月,政治面貌,单位职务,最高学历,擅长领域,联系方式,可否参加专题研修班,可否参加国情研修活动,身份证号,推荐单位意见',
      `1,黄海燕,男,壮族,1988-07,民盟盟员,广西大学教授,博士研究生,作物育种,13907710000,是,是,${good},学风优良，成果显著。`,
      '2,陆小明,男,汉族,1990-13,民进会员,南宁师范大学讲师,硕士研究生,数学教育,13907710001,是,否,,学风优良。',
      '3,覃志强,男,壮族,1985-02,中共党员,广西医科大学主任医师,博士研究生,心血管,13907710002,否,是,,成绩突出。',
    ].join('\n');
    const file = join(fixture.screenshots, 'upload-bad-rows.csv');
    writeFileSync(file, sheet);
    await page.locator('#upload-form input[type="file"]').setInputFiles(file);
    await page.locator('#upload-form').getByRole('button', { name: '上传' }).click();
    const report = page.locator('#upload-result');
    await report.locator('.notice').first().waitFor();
    assert.match(await report.innerText(), /共 3 行：新加入 1 人，更新 0 人，未通过 2 行/);
    const errors = await page.locator('#upload-errors tbody tr').allInnerTexts();
    assert.ok(errors.some((r) => r.startsWith('第3行')), `errors: ${errors}`);
    assert.ok(errors.some((r) => r.startsWith('第4行') && r.includes('中共党员')), `errors: ${errors}`);
    assert.equal(await page.locator('#quota-used').innerText(), '2');
    await shot(page, 'portal-upload');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载标注错误的汇总表' }).click(),
    ]);
    const saved = join(fixture.screenshots, 'upload-errors.xlsx');
    await download.saveAs(saved);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const texts = xlsxTexts(readFileSync(saved));
    assert.ok(texts.includes('错误信息'), 'the annotated copy has no 错误信息 column');
    assert.ok(texts.includes('陆小明') && texts.includes('覃志强'), 'the annotated copy lacks the bad rows');
    assert.ok(!texts.includes('黄海燕'), 'the annotated copy holds a good row');
    assert.ok(texts.some((t) => t.includes('中共党员')), 'the annotated copy does not say why 覃志强 was refused');
  });

  test('on a phone the portal fits the screen, its list one card per person', async () => {
    const phone = await openBrowser({ viewport: kPhone });
    try {
      const p = await phone.newPage();
      await signIn(p, token, { next: `portal.html?round=${kRound}` });
      await p.waitForSelector('body[data-ready="true"]');
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= kPhone.width, `the page is ${width}px wide on a ${kPhone.width}px screen`);
      await shot(p, 'portal-phone');
    } finally {
      await phone.close();
    }
  });

  test('a person with the name and birth date of someone in the pool is added with a possible-duplicate warning', async () => {
    const known = pool().find((r) => r['推荐单位'] !== unit.name && [...r['姓名']].length === 3 && r['出生日期'].length === 10);
    const before = Number(await page.locator('#quota-used').innerText());
    const form = page.locator('#add-form');
    await form.getByLabel('姓名').fill(known['姓名']);
    await form.getByLabel('性别').selectOption(known['性别']);
    await form.getByLabel('出生日期').fill(known['出生日期']);
    await form.getByLabel('民族').fill('汉族');
    await form.getByLabel('政治面貌').fill('无党派人士');
    await form.getByLabel('工作单位').fill(known['工作单位']);
    await form.getByLabel('推荐单位意见').fill('业务能力突出，积极建言献策。');
    await form.getByRole('button', { name: '加入推荐名单' }).click();
    await page.locator('#add-result .notice-ok').waitFor();
    const warning = page.locator('#add-result .notice-warning');
    assert.equal(await warning.innerText(), '此人可能与库中已有人员重复，工作人员将核实');
    // A unit is not told who the other person is.
    assert.ok(!(await page.locator('#add-result').innerText()).includes(known['编号']));
    assert.equal(Number(await page.locator('#quota-used').innerText()), before + 1);
    await shot(page, 'portal-possible-duplicate');
  });

  test('submitting a list that breaks the composition rules is refused with the rules named', async () => {
    await page.getByRole('button', { name: '报送名单' }).click();
    await page.getByRole('button', { name: /确认报送/ }).click();
    const refusal = page.locator('#submit-result .notice-error');
    await refusal.waitFor();
    const violations = (await api('GET', `rounds/${kRound}/submission`, token)).quota.violations;
    assert.ok(violations.length > 0, 'the API found no broken rule: the test has nothing to show');
    for (const v of violations) assert.ok((await refusal.innerText()).includes(v.message), v.message);
    assert.equal(await page.locator('#submission-state').innerText(), '草稿');
    await shot(page, 'portal-submit-refused');
  });

  test('staff acting for the unit list the same people the unit itself would', async () => {
    const staff = await browser.context.newPage();
    await signIn(staff, fixture.staffToken, { next: `portal.html?unit=${unit.code}&round=${kRound}` });
    await staff.waitForSelector('body[data-ready="true"]');
    // The heading names the unit, not its code.
    assert.equal(await staff.locator('#unit-title').innerText(), `${unit.name} 推荐报送`);
    await staff.locator('#existing-by-name').getByRole('button', { name: '列出' }).click();
    const summary = await staff.locator('#existing-list .summary', { hasText: '找到' }).innerText();
    const own = (await api('GET', 'search?q=&size=1', token)).total;
    assert.ok(own < fixture.persons, 'the unit sees the whole pool: the test shows nothing');
    assert.match(summary, new RegExp(`^找到 ${own} 人`));
    await staff.close();
  });
});

// An honour campaign's round takes people the pool already holds, admitted ones included:
// the unit picks one of its own from the list instead of typing the record again.
describe('unit portal, honour campaign', () => {
  const kHonourRound = `e2e-honour-${Date.now().toString(36)}`;
  let browser;
  let page;
  // The campaign's rules take city associations, for people working in Guangxi.
  const counts = new Map();
  for (const r of pool()) counts.set(r['推荐单位'], (counts.get(r['推荐单位']) || 0) + 1);
  const unit = fixture.units.filter((u) => u.type === '市科协' && u.province === '45')
    .sort((a, b) => (counts.get(b.name) || 0) - (counts.get(a.name) || 0))[0];
  const candidate = unit && pool().find((r) => r['推荐单位'] === unit.name && r['入库年度'] && r['技术职称'] &&
    r['所在省份'] === '广西壮族自治区');
  before(async () => {
    assert.ok(candidate, 'no admitted person of a Guangxi city association in the pool');
    await api('POST', 'rounds', fixture.staffToken, {
      code: kHonourRound, campaign: 'zuimei-guangxi-2024', title: '浏览器测试：最美科技工作者推荐',
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'zuimei-guangxi-2024', year: Number(beijingTime(0).slice(0, 4)),
    });
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, unitToken(unit.code), { next: `portal.html?round=${kHonourRound}` });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('an admitted person picked from the unit\'s people joins the list', async () => {
    assert.match(await page.locator('#existing-hint').innerText(), /含已入库人员/);
    await page.locator('#existing-by-name').getByLabel('本单位推荐过的人员').fill(candidate['姓名']);
    await page.locator('#existing-by-name').getByRole('button', { name: '列出' }).click();
    const row = page.locator(`#existing-candidates tr[data-person="${candidate['编号']}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${candidate['入库年度']}年入库`));
    await row.getByRole('button', { name: `将${candidate['姓名']}加入名单` }).click();
    await page.locator('#existing-result .notice-ok').waitFor();
    assert.match(await page.locator('#existing-result').innerText(), new RegExp(`已将 ${candidate['姓名']} 加入推荐名单`));
    assert.deepEqual(await page.locator('#items tbody tr td:first-child').allInnerTexts(), [candidate['姓名']]);
    assert.equal(await page.locator('#quota-used').innerText(), '1');
    await shot(page, 'portal-honour-existing');
  });
});
