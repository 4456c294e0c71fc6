// Downloads read back: the search page's 导出检索结果 saves every hit of the search (not
// only the page shown), and each dashboard chart's button saves that chart's numbers.
// The workbooks the browser saved are opened and a cell or two checked. A person's 学员情况表
// downloads as a PDF, read back with pdftotext, and as a Word file.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, fixture, openBrowser, signIn, url, xlsxTexts } from './lib.mjs';

// Clicks `button` and answers the texts of the workbook the browser saved.
async function downloaded(page, button, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const saved = join(fixture.screenshots, name);
  await download.saveAs(saved);
  return { texts: xlsxTexts(readFileSync(saved)), file: download.suggestedFilename() };
}

describe('downloads', () => {
  let browser;
  let page;
  before(async () => {
    browser = await openBrowser();
    page = await browser.newPage();
    await signIn(page, fixture.staffToken, { next: 'index.html' });
  });
  after(async () => { await browser.close(); });

  test('search results download with every hit, beyond the page shown', async () => {
    const tier = encodeURIComponent('青年人才');
    await page.goto(url(`index.html?tier=${tier}`));
    await page.locator('.hits li').first().waitFor();
    const total = Number(await page.locator('#total').innerText());
    const shown = await page.locator('.hits .hit-name').allInnerTexts();
    assert.ok(total > shown.length, `only ${total} hits: the test needs more than a page`);
    const answer = await api('GET', `search?tier=${tier}&size=100&page=${Math.ceil(total / 100)}`, fixture.staffToken);
    const last = answer.hits[answer.hits.length - 1];
    const { texts, file } = await downloaded(page, page.locator('#export-xlsx'), 'search-download.xlsx');
    assert.equal(file, 'search.xlsx');
    assert.ok(texts.includes('编号') && texts.includes('人才类别'), 'no header row');
    for (const name of shown) assert.ok(texts.includes(name), `${name} is not in the download`);
    assert.ok(texts.includes(last.id), `the last hit ${last.id} is not in the download`);
    assert.ok(!texts.includes('领军人才'), 'a hit of another tier was exported');
  });

  test('each dashboard chart downloads its numbers', async () => {
    const stats = await api('GET', 'stats', fixture.staffToken);
    await page.goto(url('dashboard.html'));
    await page.waitForSelector('body[data-ready="true"]');
    const tier = await downloaded(page, page.locator('[data-chart="tier"] button[data-download="tier"]'), 'stats-tier.xlsx');
    assert.equal(tier.file, 'stats-tier.xlsx');
    const i = tier.texts.indexOf('领军人才');
    assert.ok(i >= 0, `texts: ${tier.texts}`);
    assert.equal(tier.texts[i + 1], String(stats.by_tier['领军人才']));
    assert.ok(tier.texts.includes('合计'));
    const cards = await page.locator('[data-chart]').count();
    assert.equal(await page.locator('[data-chart] button[data-download]').count(), cards);
    const all = await downloaded(page, page.locator('button[data-download="all"]'), 'stats-all.xlsx');
    assert.ok(all.texts.includes('广西壮族自治区') || all.texts.includes('北京市'), 'no province in the workbook');
  });

  test('the rounds\' progress downloads every round with its units and people by state', async () => {
    const rounds = (await api('GET', 'rounds', fixture.staffToken)).items;
    assert.ok(rounds.length > 0, 'the test needs a round');
    await page.goto(url('dashboard.html'));
    await page.waitForSelector('body[data-ready="true"]');
    const progress = await downloaded(page, page.locator('#rounds button[data-download="rounds"]'), 'stats-rounds.xlsx');
    assert.ok(progress.texts.includes('单位数') && progress.texts.includes('已报送'), 'no header row');
    // The counts are checked cell by cell in tests/api (a shared-strings table keeps no order).
    for (const r of rounds) {
      assert.ok(progress.texts.includes(r.code), `round ${r.code} is not in the download`);
      assert.ok(progress.texts.includes(r.title), `round ${r.title} is not in the download`);
    }
  });

  test('a person page downloads the 学员情况表 as PDF and as Word', async () => {
    const hit = (await api('GET', 'search?size=1', fixture.staffToken)).hits[0];
    await page.goto(url(`person.html?id=${hit.id}`));
    await page.locator('#form-sheet').waitFor();
    const save = async (format) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'), page.locator(`button[data-form="${format}"]`).click()]);
      const saved = join(fixture.screenshots, `form.${format}`);
      await download.saveAs(saved);
      return { file: download.suggestedFilename(), saved };
    };
    const pdf = await save('pdf');
    assert.equal(pdf.file, `学员情况表-${hit.id}.pdf`);
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf.saved, '-'], { encoding: 'utf8' });
    assert.ok(text.includes(hit.name), `${hit.name} is not in the PDF`);
    assert.ok(text.includes(`编号：${hit.id}`), 'no 编号 in the PDF');
    const docx = await save('docx');
    assert.equal(docx.file, `学员情况表-${hit.id}.docx`);
    assert.equal(readFileSync(docx.saved).subarray(0, 2).toString(), 'PK');
    assert.equal(await page.locator('#form-messages').innerText(), '');
  });
});
