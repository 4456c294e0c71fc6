// Sign-in with an API token (behind「API 令牌」on the sign-in page) and sign-out, and what
// the menu offers each role. Sign-in with a password is in accounts.test.mjs.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { busiestUnit, fixture, openBrowser, shot, signIn, unitToken, url } from './lib.mjs';

describe('sign-in', () => {
  let browser;
  before(async () => { browser = await openBrowser(); });
  after(async () => { await browser.close(); });

  test('a page opened without a token leads to the sign-in page and back after signing in', async () => {
    const page = await browser.newPage();
    await page.goto(url('index.html?q=%E6%9D%8E'));
    await page.waitForURL(/signin\.html\?next=/);
    await page.getByLabel('用户名').waitFor();
    // The token form stays folded away until asked for.
    assert.equal(await page.getByLabel('访问令牌').isVisible(), false);
    await shot(page, 'signin');
    await page.getByText('API 令牌', { exact: true }).click();
    await page.getByLabel('访问令牌').fill(fixture.staffToken);
    await shot(page, 'signin-token');
    await page.locator('#signin-form').getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/index\.html\?q=/);
    await page.locator('.summary').waitFor();
    assert.equal(await page.getByLabel('检索词').inputValue(), '李');
    await page.close();
  });

  test('with scripts off, Enter posts the forms, and the token and password stay out of the address and history', async () => {
    const plain = await openBrowser({ javaScriptEnabled: false });
    try {
      const page = await plain.newPage();
      await page.goto(url('signin.html'));
      await page.getByText('API 令牌', { exact: true }).click();
      await page.getByLabel('访问令牌').fill(fixture.staffToken);
      await Promise.all([page.waitForNavigation(), page.getByLabel('访问令牌').press('Enter')]);
      assert.ok(!page.url().includes(fixture.staffToken), page.url());
      assert.ok(!page.url().includes('token='), page.url());
      await page.goBack().catch(() => {});
      assert.ok(!page.url().includes(fixture.staffToken), page.url());
      // The password form too.
      await page.goto(url('signin.html'));
      await page.getByLabel('用户名').fill('someone');
      await page.getByLabel('密码', { exact: true }).fill('Not-In-The-Address-1');
      await Promise.all([page.waitForNavigation(), page.getByLabel('密码', { exact: true }).press('Enter')]);
      assert.ok(!page.url().includes('Not-In-The-Address-1'), page.url());
      assert.ok(!page.url().includes('password='), page.url());
      await page.close();
    } finally {
      await plain.close();
    }
  });

  test('a wrong token is refused with the server\'s message and nothing is kept', async () => {
    const page = await browser.newPage();
    await page.goto(url('signin.html'));
    await page.getByText('API 令牌', { exact: true }).click();
    await page.getByLabel('访问令牌').fill('not-a-real-token');
    await page.locator('#signin-form').getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').filter({ hasText: '令牌' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /令牌无效或已吊销/);
    assert.ok(page.url().endsWith('/signin.html'));
    assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0);
    await shot(page, 'signin-refused');
    await page.close();
  });

  test('staff see the staff menu, and sign-out forgets the token', async () => {
    const page = await browser.newPage();
    await signIn(page, fixture.staffToken);
    const menu = page.getByRole('navigation', { name: '页面' });
    assert.deepEqual(await menu.getByRole('link').allInnerTexts(), ['检索', '统计', '审核', '培训班次', '导入', '荣誉推选', '账户']);
    // Signed in with a token: no password to change.
    assert.equal(await page.getByRole('link', { name: '修改密码' }).count(), 0);
    assert.equal(await page.locator('.topbar .role').innerText(), '中国科协工作人员');
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/signin\.html\?signed_out=1/);
    await page.getByText('已退出').waitFor();
    assert.match(await page.locator('#messages').innerText(), /令牌本身仍然有效/);
    // The token is gone: a signed-in page sends the person back to sign in.
    await page.goto(url('index.html'));
    await page.waitForURL(/signin\.html\?next=index\.html/);
    await page.close();
  });

  test('a unit lands on its portal and sees its own name and its own menu', async () => {
    const unit = busiestUnit();
    const page = await browser.newPage();
    await signIn(page, unitToken(unit.code));
    assert.ok(page.url().endsWith('/portal.html'), page.url());
    assert.equal(await page.locator('.topbar .who-name').innerText(), unit.name);
    const links = await page.getByRole('navigation', { name: '页面' }).getByRole('link').allInnerTexts();
    assert.deepEqual(links, ['推荐报送', '邀请填表', '本单位人员']);
    assert.equal(await page.locator('.topbar .role').innerText(), '推荐单位');
    await page.close();
  });
});
