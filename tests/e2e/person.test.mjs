// A person's page: the 学员情况表 layout, masking per role, revealing an ID number
// (staff), admissions, the printable form.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, busiestUnit, fixture, kPhone, openBrowser, pool, shot, signIn, unitToken, url } from './lib.mjs';

// The cell right of a row heading of the form.
function cell(page, heading) {
  return page.locator('#form-sheet th', { hasText: new RegExp(`^${heading}$`) }).locator('xpath=following-sibling::td[1]');
}

// A person of the busiest unit with every field the form shows filled in the pool file.
function personOf(unitName) {
  const row = pool().find((r) => r['推荐单位'] === unitName && r['民族'] && r['政治面貌'] && r['手机'] && r['入库年度']);
  assert.ok(row, `no complete record of ${unitName} in the pool`);
  return row;
}

describe('person page', () => {
  let browser;
  const unit = busiestUnit();
  const person = personOf(unit.name);
  before(async () => { browser = await openBrowser(); });
  after(async () => { await browser.close(); });

  test('staff open a person from the search and see the 学员情况表 with the ID number masked', async () => {
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken);
    await page.getByLabel('检索词').fill(person['身份证号']);
    await page.getByRole('button', { name: '检索', exact: true }).click();
    await page.getByRole('link', { name: person['姓名'] }).click();
    await page.waitForURL(new RegExp(`person\\.html\\?id=${person['编号']}`));
    await page.locator('#form-sheet').waitFor();
    assert.equal(await page.locator('#form-sheet caption').innerText(), '学员情况表');
    assert.equal(await cell(page, '姓名').innerText(), person['姓名']);
    assert.equal(await cell(page, '性别').innerText(), person['性别']);
    assert.equal(await cell(page, '民族').innerText(), person['民族']);
    assert.equal(await cell(page, '政治面貌').innerText(), person['政治面貌']);
    const id = await cell(page, '身份证号').innerText();
    assert.notEqual(id, person['身份证号']);
    assert.match(id, /\*/);
    assert.equal(id.slice(-4), person['身份证号'].slice(-4));
    const phone = await cell(page, '手机').innerText();
    assert.notEqual(phone, person['手机']);
    const admissions = await page.locator('section', { hasText: '入库记录' }).locator('tbody tr').allInnerTexts();
    assert.ok(admissions.some((r) => r.includes(`${person['入库年度']}年`) && r.includes(person['人才类别'])),
      `admissions shown: ${admissions}`);
    await shot(page, 'person');
    await page.close();
  });

  test('staff reveal the whole ID number, and the page says the reading is logged', async () => {
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: `person.html?id=${person['编号']}` });
    await page.locator('#form-sheet').waitFor();
    await page.getByRole('button', { name: '查看完整身份证号' }).click();
    await page.waitForFunction((full) => document.querySelector('#id-number')?.textContent === full,
      person['身份证号']);
    assert.match(await page.locator('.notice-warning').innerText(), /审计日志/);
    assert.equal(await page.getByRole('button', { name: '查看完整身份证号' }).count(), 0);
    // The phone stays masked until asked for on its own.
    assert.notEqual(await cell(page, '手机').innerText(), person['手机']);
    const audit = await fetch(new URL(`/api/v1/audit?action=reveal&object_id=${person['编号']}`, fixture.base),
      { headers: { Authorization: `Bearer ${fixture.staffToken}` } }).then((r) => r.json());
    assert.ok(audit.total >= 1, 'the reveal is not in the audit log');
    await page.close();
  });

  test('a unit sees its own person without 民族 and 政治面貌, cannot reveal, and cannot open others', async () => {
    const page = await browser.newPage();
    await signIn(page, unitToken(unit.code), { next: `person.html?id=${person['编号']}` });
    await page.locator('#form-sheet').waitFor();
    assert.equal(await cell(page, '姓名').innerText(), person['姓名']);
    assert.equal(await cell(page, '民族').innerText(), '（无权查看）');
    assert.equal(await cell(page, '政治面貌').innerText(), '（无权查看）');
    assert.equal(await page.getByRole('button', { name: /查看完整/ }).count(), 0);
    await shot(page, 'person-unit');
    const outsider = pool().find((r) => r['推荐单位'] !== unit.name);
    await page.goto(url(`person.html?id=${outsider['编号']}`));
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /没有这个编号的人员/);
    assert.equal(await page.locator('#form-sheet').count(), 0);
    await page.close();
  });

  test('the training history shows each step with when it happened', async () => {
    const trainee = pool().find((r) => r['人才类别'] && r['编号'] !== person['编号']);
    for (const action of ['invite', 'confirm', 'attend']) {
      await api('POST', 'events/2024-training/enrolments', fixture.staffToken,
        { id: trainee['编号'], action, class: trainee['人才类别'] === '青年人才' ? '青年人才班' : '领军人才班' });
    }
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: `person.html?id=${trainee['编号']}` });
    const row = page.locator('section', { hasText: '培训经历' }).locator('tbody tr').first();
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /已参加/);
    assert.match(text, /已邀请（.+）\s*→\s*已确认（.+）\s*→\s*已参加（.+）/);
    await page.close();
  });

  test('the print view holds the form alone', async () => {
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: `person.html?id=${person['编号']}` });
    await page.locator('#form-sheet').waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.topbar').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: '打印学员情况表' }).isVisible(), false);
    assert.equal(await page.locator('section', { hasText: '入库记录' }).isVisible(), false);
    assert.ok(await page.locator('#form-sheet').isVisible());
    await shot(page, 'person-print');
    await page.pdf({ path: join(fixture.screenshots, 'person-print.pdf'), format: 'A4', printBackground: true });
    await page.close();
  });

  test('on a phone the form reads as a list of fields', async () => {
    const phone = await openBrowser({ viewport: kPhone });
    try {
      const page = await phone.newPage();
      await signIn(page, fixture.staffToken, { next: `person.html?id=${person['编号']}` });
      await page.locator('#form-sheet').waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= kPhone.width, `the page is ${width}px wide on a ${kPhone.width}px screen`);
      await shot(page, 'person-phone');
    } finally {
      await phone.close();
    }
  });
  test('a unit uploads a photo its person\'s page shows as a thumbnail; a PDF named .jpg is refused', async () => {
    const photo = join(fixture.screenshots, `${person['姓名']}1.jpg`);
    const renamed = join(fixture.screenshots, 'scan-named-photo.jpg');
    execFileSync('/usr/bin/python3', ['-c', [
      'import sys, PIL.Image',
      'PIL.Image.new("RGB", (300, 400), (40, 90, 160)).save(sys.argv[1], "JPEG", dpi=(300, 300))',
      'PIL.Image.new("L", (200, 280), 250).save(sys.argv[2], "PDF")',
    ].join('\n'), photo, renamed]);
    const page = await browser.newPage();
    await signIn(page, unitToken(unit.code), { next: `person.html?id=${person['编号']}` });
    const section = page.locator('#attachments');
    await section.getByText('还没有附件').waitFor();
    await section.getByLabel('种类').selectOption({ label: '工作或生活照片' });
    await section.locator('input[type="file"]').setInputFiles(photo);
    await section.getByRole('button', { name: '上传附件' }).click();
    await section.getByText(`已保存「${person['姓名']}1.jpg」`).waitFor();
    const thumbnail = section.locator('img.thumbnail');
    await thumbnail.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('#attachments img.thumbnail');
      return img && img.complete && img.naturalWidth === 300;
    });
    assert.match(await section.locator('tbody tr').first().innerText(), /300×400，300 dpi/);
    await shot(page, 'person-attachments');

    await section.getByLabel('种类').selectOption({ label: '小2寸正面免冠彩色照片' });
    await section.locator('input[type="file"]').setInputFiles(renamed);
    await section.getByRole('button', { name: '上传附件' }).click();
    await section.getByRole('alert').waitFor();
    assert.match(await section.getByRole('alert').innerText(), /scan-named-photo\.jpg.*内容是PDF/);
    assert.equal(await section.locator('tbody tr').count(), 1);

    page.once('dialog', (dialog) => dialog.accept());
    await section.getByRole('button', { name: '删除' }).click();
    await section.getByText('还没有附件').waitFor();
    await page.close();
  });
});
