// Every page, as each role, asks for nothing outside 127.0.0.1: the pages, scripts,
// styles, charting library, map and API calls all come from the server itself. Each
// page is also saved as a screenshot per role, and each role can sign out.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { busiestProvince, busiestUnit, fixture, openBrowser, provinceToken, shot, signIn, unitToken, url } from './lib.mjs';

const kPages = readdirSync(join(fixture.root, 'web')).filter((f) => f.endsWith('.html')).sort();
// Pages that need a parameter to show anything: one the demo registry has.
const kQueries = { 'person.html': '?id=P0000001' };

describe('pages stay on 127.0.0.1', () => {
  let browser;
  const roles = {
    staff: () => fixture.staffToken,
    province: () => provinceToken(busiestProvince('市科协').code),
    unit: () => unitToken(busiestUnit().code),
  };
  before(async () => { browser = await openBrowser(); });
  after(async () => { await browser.close(); });

  test('the web folder has the pages the menus link to', () => {
    for (const page of ['signin.html', 'index.html', 'person.html', 'portal.html', 'review.html', 'cohorts.html',
      'dashboard.html', 'import.html', 'password.html', 'accounts.html', 'invitations.html', 'nominee.html',
      'campaign.html', 'expert.html']) {
      assert.ok(kPages.includes(page), page);
    }
  });

  for (const [role, token] of Object.entries(roles)) {
    test(`as ${role}, every page loads only from the server, and sign-out works`, async () => {
      const page = await browser.newPage();
      const hosts = new Set();
      let requests = 0;
      page.on('request', (request) => {
        const u = new URL(request.url());
        if (u.protocol === 'data:' || u.protocol === 'blob:') return;
        requests += 1;
        hosts.add(u.hostname);
      });
      await signIn(page, token());
      for (const file of kPages) {
        await page.goto(url(file + (kQueries[file] || '')));
        await page.waitForLoadState('networkidle');
        await shot(page, `pages-${role}-${file.replace('.html', '')}`);
      }
      assert.ok(requests > kPages.length, `only ${requests} requests seen`);
      assert.deepEqual([...hosts], ['127.0.0.1']);
      assert.deepEqual(browser.outside, []);
      await page.goto(url('index.html'));
      await page.getByRole('button', { name: '退出' }).click();
      await page.waitForURL(/signin\.html\?signed_out=1/);
      assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0);
      await page.goto(url('portal.html'));
      await page.waitForURL(/signin\.html\?next=portal\.html/);
      await page.close();
    });
  }
});
