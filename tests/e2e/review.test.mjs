// Staff review: lists by unit with quota breaches flagged, one unit's people and its 推荐学员
// 汇总表 downloaded as PDF and Word, bulk 入库, returning with reasons. The lists are made
// through the API as units would send them.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, beijingTime, fixture, idNumber, openBrowser, shot, signIn, unitToken, url } from './lib.mjs';

// Clicks the button #summary-FORMAT and answers the name the browser saved the file under and
// where the test keeps it.
async function summaryDownload(page, format, as) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#summary-${format}`).click()]);
  const saved = join(fixture.screenshots, `${as}.${format}`);
  await download.saveAs(saved);
  return { file: download.suggestedFilename(), saved };
}

const kRound = `e2e-review-${Date.now().toString(36)}`;
const kTitle = '浏览器测试：审核用推荐批次';

// A person as a unit's form sends them; `n` makes each one different.
function person(n, name) {
  const birth = `19${80 + (n % 15)}0${1 + (n % 9)}1${n % 10}`;
  return {
    person: {
      id_number: idNumber('110105', birth, 100 + 2 * n), name, gender: '女',
      birth_date: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`, ethnic_group: '汉族',
      political_affiliation: '无党派人士', unit: '中国电子科技集团有限公司第十五研究所', post: '研究员',
    },
    opinion: '科研能力突出，积极参与建言献策。',
  };
}

describe('review', () => {
  let browser;
  let page;
  // Two units of types whose quota is at most five people and asks no minimum.
  const [calm, crowded] = fixture.units.filter((u) => u.type === '央企科协');
  before(async () => {
    assert.ok(calm && crowded, 'the demo registry has fewer than two 央企科协');
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'pool', kind: 'supplementary', title: kTitle, opens_at: beijingTime(-1),
      deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10), rule_set: 'pool-national-2025', year,
    });
    const calmToken = unitToken(calm.code);
    for (const [i, name] of ['梁静', '蒙晓'].entries()) {
      await api('POST', `rounds/${kRound}/recommendations`, calmToken, person(i, name));
    }
    await api('POST', `rounds/${kRound}/submit`, calmToken, {});
    // Six people where five are allowed: the list stays a draft, breaking the quota.
    const crowdedToken = unitToken(crowded.code);
    for (let i = 0; i < 6; i++) await api('POST', `rounds/${kRound}/recommendations`, crowdedToken, person(10 + i, `测试${'甲乙丙丁戊己'[i]}`));
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: `review.html?round=${kRound}` });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('the round lists each unit, and a quota breach is flagged', async () => {
    const rows = page.locator('#submissions-table tbody tr');
    const calmRow = rows.filter({ hasText: calm.name });
    const crowdedRow = rows.filter({ hasText: crowded.name });
    assert.match(await calmRow.innerText(), /已报送/);
    assert.equal(await calmRow.getAttribute('class'), null);
    assert.equal(await crowdedRow.getAttribute('class'), 'flagged');
    assert.match(await crowdedRow.innerText(), /6 \/ 5/);
    assert.match(await page.locator('#submissions .notice-warning').innerText(), /1 个单位的名单不符合名额规则/);
    await shot(page, 'review');
  });

  test('staff admit one person in bulk and return the other with a reason', async () => {
    await page.locator('#submissions-table tbody tr', { hasText: calm.name }).getByRole('button', { name: '查看' }).click();
    const table = page.locator('#detail-table');
    await table.waitFor();
    // The unit's 推荐学员汇总表, as submitted, to print.
    const pdf = await summaryDownload(page, 'pdf', 'review-summary');
    assert.equal(pdf.file, `推荐学员汇总表-${calm.name}-${kRound}.pdf`);
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf.saved, '-'], { encoding: 'utf8' });
    for (const phrase of ['推荐学员汇总表', `推荐单位：${calm.name}（加盖公章）`, '梁静', '蒙晓', '填表日期：']) {
      assert.ok(text.replace(/\s/g, '').includes(phrase), `${phrase} is not in the PDF`);
    }
    const docx = await summaryDownload(page, 'docx', 'review-summary');
    assert.equal(docx.file, `推荐学员汇总表-${calm.name}-${kRound}.docx`);
    assert.equal(readFileSync(docx.saved).subarray(0, 2).toString(), 'PK');
    await table.getByLabel('选择梁静').check();
    await page.getByRole('button', { name: '批量入库' }).click();
    await page.locator('#detail .notice-ok').waitFor();
    assert.match(await page.locator('#detail .notice-ok').innerText(), /已入库 1 人/);
    const admitted = page.locator('#detail-table tbody tr', { hasText: '梁静' });
    assert.match(await admitted.innerText(), /已入库/);
    const other = page.locator('#detail-table tbody tr', { hasText: '蒙晓' });
    await other.getByLabel('蒙晓的理由').fill('请补充主要成就');
    await other.getByRole('button', { name: '退回修改' }).click();
    await page.waitForFunction(() => /已退回/.test(
      [...document.querySelectorAll('#detail-table tbody tr')].find((r) => r.textContent.includes('蒙晓'))?.textContent || ''));
    assert.match(await page.locator('#detail-table tbody tr', { hasText: '蒙晓' }).innerText(), /请补充主要成就/);
    await shot(page, 'review-decided');
    // Staff can open the unit's own page for the round, as the unit sees it.
    await page.getByRole('link', { name: '以该单位身份查看报送页面' }).click();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#round h2').innerText(), kTitle);
    assert.deepEqual((await page.locator('#items tbody tr td:first-child').allInnerTexts()).sort(), ['梁静', '蒙晓'].sort());
    // The portal's list downloads the same 汇总表, also as an Excel sheet of the unit's list.
    const portal = await summaryDownload(page, 'docx', 'portal-summary');
    assert.equal(portal.file, `推荐学员汇总表-${calm.name}-${kRound}.docx`);
    const sheet = await summaryDownload(page, 'xlsx', 'portal-summary');
    assert.match(sheet.file, /推荐学员汇总表\.xlsx$/);
    assert.equal(readFileSync(sheet.saved).subarray(0, 2).toString(), 'PK');
    // The admitted person is now found in the pool.
    await page.goto(url('index.html?q=%E6%A2%81%E9%9D%99'));
    await page.locator('.hit').first().waitFor();
    assert.ok((await page.locator('.hit .hit-name').allInnerTexts()).includes('梁静'));
  });
});

// A provincial association's list of one person breaks the rule set's minimums (in a
// concentrated round: they do not hold in a supplementary one): the 问题 column names each rule
// beside its message, and the deadline has its year.
describe('review, a list below the minimums', () => {
  const kMinRound = `${kRound}-min`;
  const provincial = fixture.units.find((u) => u.type === '省级科协');
  let browser;
  let page;
  before(async () => {
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kMinRound, campaign: 'pool', kind: 'concentrated', title: `${kTitle}（最低人数）`, opens_at: beijingTime(-1),
      deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10), rule_set: 'pool-national-2025', year,
    });
    await api('POST', `rounds/${kMinRound}/recommendations`, unitToken(provincial.code), person(20, '韦立新'));
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: `review.html?round=${kMinRound}` });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('each problem names its rule, and the deadline its year', async () => {
    const row = page.locator('#submissions-table tbody tr', { hasText: provincial.name });
    const problems = await row.locator('td .bad').allInnerTexts();
    const { quota } = (await api('GET', `rounds/${kMinRound}/submissions`, fixture.staffToken)).items
      .find((s) => s.unit.code === provincial.code);
    const unmet = quota.minimums.filter((m) => !m.met).map((m) => m.name);
    assert.ok(unmet.length, 'the list meets every minimum: the test shows nothing');
    for (const name of unmet) assert.ok(problems.some((p) => p.startsWith(`${name}：`)), `${name} in ${problems}`);
    const year = beijingTime(20).slice(0, 4);
    assert.match(await row.innerText(), new RegExp(`${year}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}`));
    assert.match(await page.locator('#rounds .hint').innerText(), new RegExp(`截止：${year}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}`));
    await shot(page, 'review-minimums');
  });
});

describe('review, an honour round with photos and scans', () => {
  const kHonourRound = `${kRound}-zuimei`;
  const society = fixture.units.find((u) => u.type === '省级学会');
  let browser;
  let page;
  before(async () => {
    assert.ok(society, 'the demo registry has no 省级学会');
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kHonourRound, campaign: 'zuimei-guangxi-2024', kind: 'supplementary', title: `${kTitle}（最美）`,
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'zuimei-guangxi-2024', year,
    });
    const candidate = person(30, '黄丽芳');
    candidate.person.id_number = idNumber('450103', '19850312', 162);
    candidate.person.birth_date = '1985-03-12';
    candidate.person.unit = '广西大学农学院';
    candidate.person.title = '研究员';
    candidate.group = '农科';
    const added = await api('POST', `rounds/${kHonourRound}/recommendations`, unitToken(society.code), candidate);
    // The notice asks for a 2 MB photo: this one is kept with a warning, and two work photos and
    // the stamped form are still missing.
    const photo = join(fixture.screenshots, 'zuimei-photo.jpg');
    execFileSync('/usr/bin/python3', ['-c',
      'import sys, PIL.Image; PIL.Image.new("RGB", (260, 360), (200, 60, 60)).save(sys.argv[1], "JPEG")', photo]);
    const res = await fetch(new URL(`/api/v1/persons/${added.item.person.id}/attachments?kind=photo&round=${kHonourRound}`, fixture.base), {
      method: 'POST', headers: { Authorization: `Bearer ${unitToken(society.code)}` }, body: readFileSync(photo),
    });
    assert.equal(res.status, 201, await res.text());
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: `review.html?round=${kHonourRound}&unit=${society.code}` });
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('each recommendation shows its photo and the attachments the notice still asks for', async () => {
    const row = page.locator('#detail-table tbody tr', { hasText: '黄丽芳' });
    await row.locator('img.thumbnail').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('#detail-table img.thumbnail');
      return img && img.complete && img.naturalWidth === 260;
    });
    const cell = row.locator('.attachments-cell');
    await cell.getByText('缺工作或生活照片 2 份').waitFor();
    assert.match(await cell.innerText(), /缺签字盖章的推荐表扫描件/);
    assert.doesNotMatch(await cell.innerText(), /缺小2寸/);
    await shot(page, 'review-attachments');
    // The round's attachments download in the folders units keep them in.
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: '下载附件（zip）' }).click()]);
    const saved = join(fixture.screenshots, 'zuimei-attachments.zip');
    await download.saveAs(saved);
    const names = execFileSync('/usr/bin/python3', ['-c',
      'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', saved]).toString().trim();
    assert.equal(names, '黄丽芳/黄丽芳1.jpg');
  });
});
