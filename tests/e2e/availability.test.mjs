// A unit marks on its portal page whether its admitted people can attend the events that
// ask (科协企服函〔2025〕8号 附件2): a choice per person saved at once, then the 参加活动信息表
// upload, refused whole with the bad row named, then accepted.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, busiestUnit, fixture, openBrowser, pool, shot, signIn, unitToken } from './lib.mjs';

// A unit with admitted people, other than the one the portal test works on.
function admittedUnit() {
  const busiest = busiestUnit();
  const counts = new Map();
  for (const r of pool()) {
    if (r['入库年度'] && r['推荐单位'] !== busiest.name) counts.set(r['推荐单位'], (counts.get(r['推荐单位']) || 0) + 1);
  }
  const [name] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const unit = fixture.units.find((u) => u.name === name);
  assert.ok(unit, `unit ${name} of the pool file is not in the registry`);
  return unit;
}

describe('unit availability', () => {
  let browser;
  let page;
  const unit = admittedUnit();
  const people = pool().filter((r) => r['推荐单位'] === unit.name && r['入库年度']);
  const person = people[0];
  const dir = mkdtempSync(join(tmpdir(), 'e2e-availability-'));
  const answers = async () => {
    const list = await api('GET', `availability?unit=${encodeURIComponent(unit.code)}`, fixture.staffToken);
    return list.items.find((p) => p.id === person['编号']).answers;
  };
  before(async () => {
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, unitToken(unit.code), { next: 'portal.html' });
    await page.waitForSelector('#availability[data-ready="true"]');
  });
  after(async () => { await browser.close(); });

  test('the unit\'s admitted people are listed with a choice per asking event, saved at once', async () => {
    const rows = page.locator('#availability-table tbody tr');
    assert.equal(await rows.count(), people.length);
    const select = page.getByLabel(`${person['姓名']} 可否参加2025年科技界党外代表人士专题研修班`);
    await select.selectOption({ label: '否' });
    await page.locator('#availability-result .notice-ok').waitFor();
    const saved = await answers();
    assert.equal(saved['2025-seminar'].available, false);
    assert.equal(saved['2025-seminar'].source, 'unit_sheet');
    await shot(page, 'portal-availability');
  });

  test('a sheet with a wrong row is refused naming the row and column, and changes nothing', async () => {
    const file = join(dir, '参加活动信息表.csv');
    writeFileSync(file, `序号,姓名,编号,可否参加专题研修班,可否参加国情研修活动\r\n1,${person['姓名']},${person['编号']},是,是\r\n` +
      `2,${person['姓名']}甲,${people[1] ? people[1]['编号'] : 'P9999999'},是,是\r\n`);
    await page.locator('#availability-upload input[type="file"]').setInputFiles(file);
    await page.locator('#availability-upload').getByRole('button', { name: '上传' }).click();
    const refusal = page.locator('#availability-upload-result .notice-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /第3行/);
    assert.match(await refusal.innerText(), /未写入/);
    assert.equal((await answers())['2025-seminar'].available, false);
    await shot(page, 'portal-availability-refused');
  });

  test('a good sheet sets the answers and the list shows them', async () => {
    const file = join(dir, '参加活动信息表-改.csv');
    writeFileSync(file, `序号,姓名,编号,可否参加专题研修班,可否参加国情研修活动\r\n1,${person['姓名']},${person['编号']},是,否\r\n`);
    await page.locator('#availability-upload input[type="file"]').setInputFiles(file);
    await page.locator('#availability-upload').getByRole('button', { name: '上传' }).click();
    const ok = page.locator('#availability-upload-result .notice-ok');
    await ok.waitFor();
    assert.match(await ok.innerText(), /已读取 1 行/);
    const saved = await answers();
    assert.equal(saved['2025-seminar'].available, true);
    assert.equal(saved['2025-study-tour'].available, false);
    const select = page.getByLabel(`${person['姓名']} 可否参加2025年科技界党外代表人士国情研修活动`);
    assert.equal(await select.inputValue(), 'false');
  });
});
