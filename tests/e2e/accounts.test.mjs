// Accounts and sign-in with a password: the forced change of an initial password, staff
// opening a unit account (its initial password shown once), a unit without the 账户 page,
// API tokens made on the page, the CSRF check of calls signed in by the cookie, sign-out
// ending the session, and the lock after five wrong passwords (the 429 message shown, the
// right password refused until staff unlock the account).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  apiSignIn, busiestProvince, busiestUnit, fixture, openBrowser, readyAccount, shot, signInWithPassword, url,
} from './lib.mjs';

// Strong enough for the rules: 10+ characters of four classes, no username, not common.
const kStaffPassword = 'Lanqiao#Shuiyun2026';
const kUnitPassword = 'Qingshan-Biyu-77';
const kLockedPassword = 'Yunhai!Cangshu-58';
const kProvincePassword = 'Minjiang@Guting-39';

describe('accounts and sign-in', () => {
  let browser;
  let staff;   // a page signed in as the fixture's staff account, once its password is changed
  before(async () => {
    assert.ok(fixture.staffAccount, 'the fixture has no staff account: `talentpool user add` failed (see run.mjs)');
    browser = await openBrowser();
  });
  after(async () => { await browser.close(); });

  test('the first sign-in with an initial password must change it, and then goes where it was asked to', async () => {
    const page = await browser.newPage();
    const { username, initialPassword } = fixture.staffAccount;
    await signInWithPassword(page, username, initialPassword, { next: 'review.html' });
    await page.waitForURL(/password\.html\?first=1&next=review\.html/);
    assert.match(await page.locator('#main').innerText(), /首次登录请先修改初始密码/);
    // No menu leads anywhere else meanwhile.
    assert.equal(await page.getByRole('navigation', { name: '页面' }).getByRole('link').count(), 0);
    // The rules are shown before anything is typed.
    const rules = await page.locator('#password-rules li').allInnerTexts();
    assert.equal(rules.length, 4);
    assert.match(rules.join('\n'), /至少 10 个字符/);
    assert.match(rules.join('\n'), /不包含用户名/);
    await shot(page, 'password-first');

    // Until the password is changed, another page leads back here.
    await page.goto(url('index.html'));
    await page.waitForURL(/password\.html\?first=1&next=index\.html/);

    // Two different new passwords: refused on the page, beside the second.
    await page.getByLabel('当前密码').fill(initialPassword);
    await page.getByLabel('新密码', { exact: true }).fill(kStaffPassword);
    await page.getByLabel('再次输入新密码').fill(kStaffPassword + 'x');
    await page.getByRole('button', { name: '修改密码' }).click();
    assert.equal(await page.locator('#again-error').innerText(), '两次输入的新密码不一致');

    // A password with the username in it: the server refuses it, and says so beside 新密码.
    const weak = `${username}-Abc-12345`;
    await page.getByLabel('新密码', { exact: true }).fill(weak);
    await page.getByLabel('再次输入新密码').fill(weak);
    assert.match(await page.locator('#password-rules [data-rule="username"]').innerText(), /^✗/);
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.locator('#new-error').filter({ hasText: /\S/ }).waitFor();
    assert.equal(await page.getByLabel('新密码', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.ok(page.url().includes('password.html'), page.url());
    await shot(page, 'password-refused');

    await page.getByLabel('新密码', { exact: true }).fill(kStaffPassword);
    await page.getByLabel('再次输入新密码').fill(kStaffPassword);
    assert.equal(await page.locator('#password-rules .unmet').count(), 0);
    await Promise.all([
      page.waitForURL(/\/index\.html$/),
      page.getByRole('button', { name: '修改密码' }).click(),
    ]);
    await page.locator('.topbar .who').waitFor();
    assert.equal(await page.locator('.topbar .who-user').innerText(), '测试员');
    assert.equal(await page.getByRole('link', { name: '修改密码' }).count(), 1);
    // The initial password no longer works, the new one does.
    assert.equal((await apiSignIn(username, initialPassword)).status, 401);
    const fresh = await apiSignIn(username, kStaffPassword);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.must_change_password, false);
    staff = page;
  });

  test('staff open a unit account, and its initial password is shown once', async () => {
    assert.ok(staff, 'the staff account is not ready (the test before failed)');
    const unit = busiestUnit();
    await staff.goto(url('accounts.html'));
    await staff.waitForSelector('body[data-ready="true"]');
    assert.deepEqual(await staff.getByRole('navigation', { name: '页面' }).getByRole('link').allInnerTexts(),
      ['检索', '统计', '审核', '培训班次', '导入', '荣誉推选', '账户']);
    const me = staff.locator(`#account-list tr[data-username="${fixture.staffAccount.username}"]`);
    assert.match(await me.innerText(), /正常/);
    assert.doesNotMatch(await me.innerText(), /从未登录/);

    const form = staff.locator('#create-form');
    await form.getByLabel('用户名').fill('e2e-unit-a');
    await form.getByLabel('显示名').fill('王推荐');
    await form.getByLabel('角色').selectOption('unit');
    assert.equal(await form.getByLabel('省份代码').isVisible(), false);
    await form.getByLabel('单位代码').fill(unit.code);
    await form.getByRole('button', { name: '开设账户' }).click();
    const secret = staff.locator('#initial-password');
    await secret.waitFor();
    const initial = await staff.locator('#initial-password-value').innerText();
    assert.ok(initial.length >= 10, initial);
    assert.match(await secret.innerText(), /e2e-unit-a/);
    assert.match(await secret.innerText(), /只显示这一次/);
    assert.equal(await secret.getByRole('button', { name: '复制' }).count(), 1);
    const row = staff.locator('#account-list tr[data-username="e2e-unit-a"]');
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /王推荐/);
    assert.match(text, /推荐单位/);
    assert.match(text, new RegExp(unit.name));
    assert.match(text, /正常/);
    assert.match(text, /待改初始密码/);
    assert.match(text, /从未登录/);
    await shot(staff, 'accounts-created');

    // The password shown is the account's; shown once: a reload does not show it again.
    const signedIn = await apiSignIn('e2e-unit-a', initial);
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.must_change_password, true);
    await staff.reload();
    await staff.waitForSelector('body[data-ready="true"]');
    assert.equal(await staff.locator('#initial-password').count(), 0);
    assert.ok(!(await staff.locator('#main').innerText()).includes(initial));

    // A reset makes another, shown once the same way; the old one stops working.
    await staff.locator('#account-list tr[data-username="e2e-unit-a"]').getByRole('button', { name: '重置密码' }).click();
    await staff.locator('#initial-password').waitFor();
    const reset = await staff.locator('#initial-password-value').innerText();
    assert.notEqual(reset, initial);
    assert.equal((await apiSignIn('e2e-unit-a', initial)).status, 401);
    assert.equal((await apiSignIn('e2e-unit-a', reset)).status, 200);

    // Disabled, the right password is refused with 403; enabled again, it works.
    await staff.locator('#account-list tr[data-username="e2e-unit-a"]').getByRole('button', { name: '停用' }).click();
    await staff.locator('#account-list tr[data-username="e2e-unit-a"][data-state="disabled"]').waitFor();
    assert.match(await staff.locator('#account-list tr[data-username="e2e-unit-a"]').innerText(), /停用/);
    assert.equal((await apiSignIn('e2e-unit-a', reset)).status, 403);
    await staff.locator('#account-list tr[data-username="e2e-unit-a"]').getByRole('button', { name: '启用' }).click();
    await staff.locator('#account-list tr[data-username="e2e-unit-a"][data-state="active"]').waitFor();
    assert.equal((await apiSignIn('e2e-unit-a', reset)).status, 200);
  });

  test('a unit account signs in to its portal and has no 账户 page', async () => {
    const unit = busiestUnit();
    const account = await readyAccount('e2e-unit-b', 'unit', kUnitPassword, { unit: unit.code, name: '李填报' });
    // A browser of its own: the session cookie is the browser's, and staff stay signed in.
    const other = await openBrowser();
    const page = await other.newPage();
    try {
      await signInWithPassword(page, account.username, account.password);
      assert.ok(page.url().endsWith('/portal.html'), page.url());
      assert.equal(await page.locator('.topbar .who-name').innerText(), unit.name);
      assert.equal(await page.locator('.topbar .who-user').innerText(), '李填报');
      assert.deepEqual(await page.getByRole('navigation', { name: '页面' }).getByRole('link').allInnerTexts(),
        ['推荐报送', '邀请填表', '本单位人员']);
      await page.goto(url('accounts.html'));
      const warning = page.locator('.notice-warning');
      await warning.waitFor();
      assert.match(await warning.innerText(), /此页面供中国科协工作人员、省级科协工作人员使用/);
      assert.equal(await page.locator('#account-list').count(), 0);
      // Nor does the API answer it.
      assert.equal(await page.evaluate(async () => (await fetch('api/v1/accounts')).status), 403);
      await shot(page, 'accounts-unit-refused');
    } finally {
      await other.close();
    }
  });

  test('a province opens accounts only for the units of its province', async () => {
    const province = busiestProvince('市科协');
    const ours = fixture.units.find((u) => u.province === province.code);
    const theirs = fixture.units.find((u) => u.province && u.province !== province.code);
    const account = await readyAccount('e2e-province', 'province', kProvincePassword,
      { province: province.code, name: '赵省级' });
    const other = await openBrowser();
    const page = await other.newPage();
    try {
      await signInWithPassword(page, account.username, account.password, { next: 'accounts.html' });
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.locator('.topbar .who-name').innerText(), province.name);
      // Only unit accounts, of its own units: the role is not a choice.
      const form = page.locator('#create-form');
      assert.deepEqual(await form.getByLabel('角色').locator('option').allInnerTexts(), ['推荐单位']);
      assert.equal(await form.getByLabel('角色').isDisabled(), true);
      await form.getByLabel('用户名').fill('e2e-unit-c');
      await form.getByLabel('显示名').fill('孙填报');
      await form.getByLabel('单位代码').fill(theirs.code);
      await form.getByRole('button', { name: '开设账户' }).click();
      await page.locator('#create-result .notice-error').waitFor();
      assert.match(await page.locator('#create-result').innerText(), /本省.*推荐单位/);
      assert.equal(await page.locator('#initial-password').count(), 0);
      await form.getByLabel('单位代码').fill(ours.code);
      await form.getByRole('button', { name: '开设账户' }).click();
      await page.locator('#initial-password').waitFor();
      assert.ok((await page.locator('#initial-password-value').innerText()).length >= 10);
      // The list holds its units' accounts and nothing else (not staff, not itself).
      const names = await page.locator('#account-list tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.username));
      assert.ok(names.includes('e2e-unit-c'), names.join(','));
      assert.ok(!names.includes(fixture.staffAccount.username), names.join(','));
      assert.ok(!names.includes('e2e-province'), names.join(','));
      await shot(page, 'accounts-province');
    } finally {
      await other.close();
    }
  });

  test('a call signed in by the cookie that changes anything needs the CSRF token', async () => {
    assert.ok(staff, 'the staff account is not ready (the test before failed)');
    await staff.goto(url('accounts.html'));
    await staff.waitForSelector('body[data-ready="true"]');
    const statuses = await staff.evaluate(async () => {
      const send = (headers) => fetch('api/v1/tokens', {
        method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ label: 'e2e-csrf', expires_in_days: 1 }),
      }).then((r) => r.status);
      return {
        without: await send({}),
        wrong: await send({ 'X-CSRF-Token': 'not-the-token' }),
        read: (await fetch('api/v1/me')).status,
      };
    });
    assert.deepEqual(statuses, { without: 403, wrong: 403, read: 200 });
  });

  test('API tokens for scripts are made on the page, shown once, and revoked', async () => {
    assert.ok(staff, 'the staff account is not ready (the test before failed)');
    await staff.goto(url('accounts.html'));
    await staff.waitForSelector('body[data-ready="true"]');
    const form = staff.locator('#token-form');
    await form.getByLabel('用途说明').fill('每晚导出');
    await form.getByLabel('有效天数').fill('30');
    await form.getByRole('button', { name: '创建令牌' }).click();
    await staff.locator('#new-token').waitFor();
    const token = await staff.locator('#new-token-value').innerText();
    assert.match(await staff.locator('#new-token').innerText(), /只显示这一次/);
    // The token works as a script would use it, as the account's role.
    const me = await fetch(new URL('/api/v1/me', fixture.base), { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).role, 'staff');
    const row = staff.locator('#token-list tr', { hasText: '每晚导出' });
    await row.waitFor();
    await shot(staff, 'accounts-token');
    await row.getByRole('button', { name: '吊销' }).click();
    await staff.getByText('已吊销令牌「每晚导出」').waitFor();
    const after = await fetch(new URL('/api/v1/me', fixture.base), { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(after.status, 401);
  });

  test('five wrong passwords lock the account: the page shows the lock, the right password is refused until unlocked',
    async () => {
      assert.ok(staff, 'the staff account is not ready (the test before failed)');
      const account = await readyAccount('e2e-lock', 'unit', kLockedPassword, { unit: busiestUnit().code });
      const other = await openBrowser();
      const page = await other.newPage();
      try {
        await page.goto(url('signin.html'));
        const alert = page.locator('#messages .notice-error');
        for (let i = 1; i <= 5; i++) {
          await page.getByLabel('用户名').fill(account.username);
          await page.getByLabel('密码', { exact: true }).fill(`Wrong-Password-${i}`);
          await page.locator('#password-form').getByRole('button', { name: '登录' }).click();
          await alert.waitFor();
          await page.locator('#password-form button:not([disabled])').waitFor();
          if (i < 5) assert.match(await alert.innerText(), /用户名或密码错误/);
          await page.evaluate(() => document.getElementById('messages').replaceChildren());
        }
        await page.getByLabel('用户名').fill(account.username);
        await page.getByLabel('密码', { exact: true }).fill(account.password);
        await page.locator('#password-form').getByRole('button', { name: '登录' }).click();
        await alert.waitFor();
        const message = await alert.innerText();
        assert.match(message, /请 1[45] 分钟后再试/);
        assert.ok(page.url().includes('signin.html'), page.url());
        await shot(page, 'signin-locked');
        const refused = await apiSignIn(account.username, account.password);
        assert.equal(refused.status, 429);
        assert.ok(Number(refused.headers.get('Retry-After')) > 0);

        // Staff see the lock and lift it; the right password then works.
        await staff.goto(url('accounts.html'));
        const row = staff.locator('#account-list tr[data-username="e2e-lock"]');
        await row.waitFor();
        assert.match(await row.innerText(), /锁定/);
        await shot(staff, 'accounts-locked');
        await row.getByRole('button', { name: '解锁' }).click();
        await staff.locator('#account-list tr[data-username="e2e-lock"][data-state="active"]').waitFor();
        assert.equal((await apiSignIn(account.username, account.password)).status, 200);
      } finally {
        await other.close();
      }
    });

  test('signing out ends the session on the server', async () => {
    assert.ok(staff, 'the staff account is not ready (the test before failed)');
    await staff.goto(url('index.html'));
    await staff.locator('.topbar .who').waitFor();
    await staff.getByRole('button', { name: '退出' }).click();
    await staff.waitForURL(/signin\.html\?signed_out=1/);
    assert.equal(await staff.locator('#messages').innerText(), '已退出。');
    assert.equal(await staff.evaluate(() => sessionStorage.length + localStorage.length), 0);
    // The cookie, even if a copy were kept, opens nothing any more.
    assert.equal(await staff.evaluate(async () => (await fetch('api/v1/me')).status), 401);
    await staff.goto(url('review.html'));
    await staff.waitForURL(/signin\.html\?next=review\.html/);
  });
});
