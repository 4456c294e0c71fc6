// Staff import of a pool file through the page: the report names each rejected row, the
// good rows load and can be found at once.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  busiestUnit, fixture, idNumber, openBrowser, pool, shot, signIn, unitToken, url, watchNode, xlsxTexts,
} from './lib.mjs';

describe('import', () => {
  let browser;
  before(async () => { browser = await openBrowser(); });
  after(async () => { await browser.close(); });

  test('a file with bad rows loads the good one and lists the others by row, field and reason', async () => {
    const good = idNumber('450102', '19860918', 516);
    const valid = idNumber('450102', '19790301', 233);
    const wrongCheckDigit = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    const rows = [
      '姓名,性别,民族,出生日期,身份证号,工作单位,职务,技术职称,推荐单位,推荐单位类型,人才类别,入库年度',
      `蓝晓岚,女,壮族,1986-09-18,${good},广西农业科学院,研究室主任,研究员,广西壮族自治区科学技术协会,省级科协,领军人才,2025`,
      `莫建华,男,瑶族,1979-03-01,${wrongCheckDigit},广西大学,教授,教授,广西壮族自治区科学技术协会,省级科协,领军人才,2025`,
      '黎明,男,汉族,1981-02-30,,南宁市第一人民医院,主任医师,主任医师,广西壮族自治区科学技术协会,省级科协,领军人才,2025',
    ].join('\n');
    const file = join(fixture.screenshots, 'import-bad-rows.csv');
    writeFileSync(file, rows);
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'import.html' });
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#import-form input[type="file"]').setInputFiles(file);
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('#import-result .notice').first().waitFor();
    assert.match(await page.locator('#import-result').innerText(), /导入 1 人（新增 1，更新 0，未变 0），未通过 2 行/);
    const errors = await page.locator('#import-errors tbody tr').allInnerTexts();
    assert.ok(errors.some((r) => r.startsWith('第3行') && r.includes('身份证号') && r.includes('校验码')), `${errors}`);
    assert.ok(errors.some((r) => r.startsWith('第4行') && r.includes('出生日期')), `${errors}`);
    await shot(page, 'import');
    await page.goto(url('index.html?q=%E8%93%9D%E6%99%93%E5%B2%9A'));
    await page.locator('.hit').first().waitFor();
    assert.equal(await page.locator('.hit .hit-name').first().innerText(), '蓝晓岚');
    await page.close();
  });

  test('importing the whole pool file again shows its progress, then finds every row unchanged', async () => {
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'import.html' });
    await page.waitForSelector('body[data-ready="true"]');
    const bar = await watchNode(page, '#import-progress');
    const messages = await watchNode(page, '#import-result');
    await page.locator('#import-form input[type="file"]').setInputFiles(fixture.pool);
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('#import-result .notice').first().waitFor({ timeout: 120000 });
    assert.match(await page.locator('#import-result').innerText(),
      new RegExp(`导入 ${fixture.persons} 人（新增 0，更新 0，未变 ${fixture.persons}）`));
    assert.ok((await bar()).some((s) => s.shown), 'the progress bar never showed');
    assert.equal(await page.locator('#import-progress').isHidden(), true);
    const texts = (await messages()).map((s) => s.text);
    assert.ok(texts.some((t) => t.includes('正在上传「demo-pool.csv」')), `messages: ${texts}`);
    await page.close();
  });

  test('the full export downloads everyone, masked, and imports back changing nobody', async () => {
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'import.html' });
    await page.waitForSelector('body[data-ready="true"]');
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: '下载全部人员（XLSX）' }).click()]);
    const saved = join(fixture.screenshots, 'persons-export.xlsx');
    await download.saveAs(saved);
    assert.equal(download.suggestedFilename(), 'persons.xlsx');
    const texts = xlsxTexts(readFileSync(saved));
    const someone = pool()[0];
    assert.ok(texts.includes(someone['姓名']), `${someone['姓名']} is not in the export`);
    for (const column of ['编号', '身份证号', '手机', '主要成就', '入库年度']) {
      assert.ok(texts.includes(column), `no column ${column}`);
    }
    // Whole ID numbers never leave without the audited reveal.
    assert.ok(!texts.some((t) => /^\d{17}[\dX]$/.test(t)), 'a whole ID number is in the export');
    assert.ok(texts.some((t) => /^\d{4}\*{10}[\dX]{4}$/.test(t)), 'no masked ID number in the export');

    // The same file back: nobody new, nothing changed.
    await page.locator('#import-form input[type="file"]').setInputFiles(saved);
    await page.getByRole('button', { name: '导入' }).click();
    await page.locator('#import-result .notice').first().waitFor({ timeout: 120000 });
    assert.match(await page.locator('#import-result').innerText(), /（新增 0，更新 0，未变 \d+），未通过 0 行/);
    await page.close();
  });

  test('a 汇总表 without ID numbers imported again waits for a choice per row, then adds only the new person', async () => {
    const file = join(fixture.screenshots, 'summary-without-ids.csv');
    writeFileSync(file, [
      '推荐学员汇总表',
      '序号,姓名,性别,出生年月,单位职务',
      '1,覃思远,男,1983.05,广西大学 教授',
      '2,韦雅婷,女,1990.11,广西医科大学 副教授',
    ].join('\n'));
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'import.html' });
    await page.waitForSelector('body[data-ready="true"]');
    const importFile = async () => {
      await page.locator('#import-form input[type="file"]').setInputFiles(file);
      await page.getByRole('button', { name: '导入', exact: true }).click();
      await page.locator('#import-result .notice').first().waitFor();
    };
    await importFile();
    assert.match(await page.locator('#import-result').innerText(), /新增 2/);
    await page.locator('#import-result').evaluate((node) => { node.textContent = ''; });
    await importFile();
    assert.match(await page.locator('#import-result').innerText(), /待确认 2 行/);
    const rows = page.locator('#import-held tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).innerText(), /覃思远/);
    // The first is the stored 覃思远; the second is said to be someone else.
    await rows.nth(0).getByLabel(/是在库的 P\d{7}/).check();
    await rows.nth(1).getByLabel('是另一人，新增').check();
    await shot(page, 'import-held');
    await page.getByRole('button', { name: '按所选确认并再次导入' }).click();
    await page.locator('#import-result .notice').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('#import-held'));
    assert.match(await page.locator('#import-result').innerText(), /新增 1，更新 0，未变 1/);
    await page.close();
  });

  test('a unit is told the import page is for staff', async () => {
    const page = await browser.newPage();
    await signIn(page, unitToken(busiestUnit().code), { next: 'import.html' });
    await page.getByText('此页面供中国科协工作人员使用').waitFor();
    assert.equal(await page.locator('#import-result .notice').count(), 0);
    await page.close();
  });
});
