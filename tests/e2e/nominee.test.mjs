// A nominee fills in their own form: a unit (signed in with a password) invites a person in
// an open round and gets the link once, with a printable QR slip; the link opens on a phone
// (390×844) in a fresh browser with no sign-in, takes itself out of the address bar, shows
// errors beside each field, keeps a draft across a reload, and submits; the link is then
// refused. The unit sees 已提交, returns the form with a reason, the nominee sees the reason
// and submits again, and the unit edits and accepts it onto its list. The nominee's header
// opens nothing but the form. In an honour round the nominee also fills their own part of the
// 推荐表 (推荐组别, 推荐领域, the rows, 主要事迹 with its counter, 感人故事, 个人声明), which lands in
// the recommendation's 推荐表 when the unit accepts the form.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  api, beijingTime, busiestUnit, countyOf, fixture, idNumber, kPhone, openBrowser, readyAccount, shot, signIn,
  signInWithPassword, unitToken, url,
} from './lib.mjs';

const kRound = `e2e-nominee-${Date.now().toString(36)}`;
const kTitle = '浏览器测试：被推荐人自行填表';
const kName = '林晓舟';
const kMobile = '13912345678';
const kReason = '出生日期与身份证号不一致，请核对后重新提交';

// What the nominee writes, by the keys of the person fields (values as typed on the page);
// a field of another key gets a value of its kind.
function nomineeValues(unit) {
  return {
    name: kName,
    gender: '男',
    birth_date: '1981-04-12',
    id_number: idNumber(countyOf(unit.province || '11'), '19810412', 137),
    ethnic_group: '汉族',
    political_affiliation: '九三学社社员',
    unit: '中国科学院测试研究所',
    post: '副所长',
    title: '研究员',
    education: '博士研究生',
    fields: '材料科学\n表面工程',
    phone: kMobile,
    email: 'linxiaozhou@example.cn',
    career: '2008年至今 中国科学院测试研究所，历任副研究员、研究员、副所长',
    achievements: '主持国家重点研发计划项目1项，获省部级科技进步一等奖1项',
    foreign_residence: '否',
    academician: '否',
    native_place: '福建福州',
    birthplace: '福建福州',
    nationality: '中国',
    degree: '博士',
    graduated_from: '清华大学',
    major: '材料科学与工程',
    address: '北京市海淀区中关村北二条1号',
    postcode: '100190',
  };
}

// The fields of the form on the page: key, kind, whether required, the choices of a select.
function fieldsOn(page, form) {
  return page.locator(`${form} .field`).evaluateAll((nodes) => nodes.map((n) => ({
    key: n.dataset.key,
    kind: n.dataset.kind,
    required: Boolean(n.querySelector('.required')),
    options: [...n.querySelectorAll('option')].map((o) => o.value).filter(Boolean),
  })));
}

async function fillField(page, form, field, value) {
  const input = page.locator(`${form} .field[data-key="${field.key}"]`).locator('input, select, textarea');
  if (field.kind === 'yes_no' || field.kind === 'choice') {
    const choice = field.options.includes(value) ? value : field.options[0];
    await input.selectOption(choice);
  } else if (field.kind === 'date') {
    await input.fill(value || '2001-09-01');
  } else if (field.kind === 'list') {
    await input.fill(value || '第一项\n第二项');
  } else {
    await input.fill(value || '测试填写');
  }
}

async function fillAll(page, form, values) {
  for (const field of await fieldsOn(page, form)) await fillField(page, form, field, values[field.key]);
}

// The fields marked in error, with what is said beside each.
function errorsOn(page, form) {
  return page.locator(`${form} .field.has-error`).evaluateAll((nodes) =>
    nodes.map((n) => `${n.dataset.key}: ${n.querySelector('.field-error').textContent}`));
}

// The page fits its width: nothing wider than the screen, so no sideways scrolling.
async function assertNoSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `page is ${scroll}px wide on a ${width}px screen`);
}

describe('nominees fill in their own forms', () => {
  const unit = busiestUnit();
  const values = nomineeValues(unit);
  let browser;      // the unit's
  let phone;        // the nominee's: another browser, never signed in
  let unitPage;
  let nomineePage;
  let link = '';
  let inviteToken = '';

  const openList = async () => {
    await unitPage.goto(url(`invitations.html?round=${kRound}`));
    await unitPage.waitForSelector('body[data-ready="true"]');
  };
  const rowOf = () => unitPage.locator('#invitation-list tbody tr', { hasText: kName });
  // The link as the nominee opens it again later: a new page load (going from the page to
  // its own link would change only the fragment).
  const openLink = async () => {
    await nomineePage.goto('about:blank');
    await nomineePage.goto(link);
  };

  before(async () => {
    const year = Number(beijingTime(0).slice(0, 4));
    await api('POST', 'rounds', fixture.staffToken, {
      code: kRound, campaign: 'pool', kind: 'supplementary', title: kTitle, opens_at: beijingTime(-1),
      deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10), rule_set: 'pool-national-2025', year,
    });
    const account = await readyAccount('e2e-inviter', 'unit', 'Tianchi#Bailu-2026', { unit: unit.code, name: '周邀请' });
    browser = await openBrowser();
    phone = await openBrowser({ viewport: kPhone });
    unitPage = await browser.newPage();
    await signInWithPassword(unitPage, account.username, account.password, { next: `invitations.html?round=${kRound}` });
    await unitPage.waitForSelector('body[data-ready="true"]');
    nomineePage = await phone.newPage();
  });
  after(async () => {
    await phone?.close();
    await browser?.close();
  });

  test('a unit invites a person and gets the link once, with a slip to print', async () => {
    assert.equal(await unitPage.locator('#round h2').innerText(), kTitle);
    const form = unitPage.locator('#invite-form');
    await form.getByLabel('姓名').fill(kName);
    await form.getByRole('button', { name: '发出邀请' }).click();
    assert.match(await unitPage.locator('#invite-result').innerText(), /手机或电子邮箱/);
    await form.getByLabel('手机').fill(kMobile);
    await form.getByRole('button', { name: '发出邀请' }).click();
    await unitPage.locator('#invite-link').waitFor();
    link = await unitPage.locator('#invite-link-value').innerText();
    assert.ok(link.startsWith(`${fixture.base}/nominee.html#invite=`), link);
    inviteToken = new URLSearchParams(new URL(link).hash.slice(1)).get('invite');
    assert.ok(inviteToken.length >= 20, inviteToken);
    assert.match(await unitPage.locator('#invite-link').innerText(), /只在此刻显示/);

    const row = rowOf();
    await row.waitFor();
    assert.match(await row.innerText(), /已发送/);
    // The contact is masked in the list.
    assert.ok(!(await row.innerText()).includes(kMobile), await row.innerText());

    // The slip: the QR code of the link, and only the slip when printed.
    await unitPage.getByRole('button', { name: '邀请函（二维码）' }).click();
    const qr = unitPage.locator('#slip svg.qr');
    await qr.waitFor();
    assert.equal(await qr.getAttribute('data-text'), link);
    assert.ok((await qr.locator('path').getAttribute('d')).length > 500);
    assert.match(await unitPage.locator('#slip-body').innerText(), new RegExp(`${kName} 同志`));
    assert.ok((await unitPage.locator('#slip-body').innerText()).includes(link));
    await unitPage.emulateMedia({ media: 'print' });
    assert.equal(await unitPage.locator('#invite').isVisible(), false);
    assert.equal(await unitPage.locator('#invitation-list').isVisible(), false);
    assert.equal(await unitPage.locator('#slip-body').isVisible(), true);
    assert.equal(await unitPage.getByRole('button', { name: '打印邀请函' }).isVisible(), false);
    await shot(unitPage, 'invitation-slip-print');
    await unitPage.emulateMedia({ media: 'screen' });
    await shot(unitPage, 'invitations');
  });

  test('after a reload the link is gone from the page; a new one replaces it and the old stops', async () => {
    await openList();
    const row = rowOf();
    await row.waitFor();
    assert.equal(await row.getByRole('button', { name: '复制链接' }).count(), 0);
    await row.getByRole('button', { name: '换新链接' }).click();
    await unitPage.locator('#invite-link').waitFor();
    const fresh = await unitPage.locator('#invite-link-value').innerText();
    assert.notEqual(fresh, link);
    const status = (token) => unitPage.evaluate(async (t) =>
      (await fetch('api/v1/nominee/form', { headers: { 'X-Invitation': t } })).status, token);
    assert.equal(await status(inviteToken), 404);
    link = fresh;
    inviteToken = new URLSearchParams(new URL(link).hash.slice(1)).get('invite');
    // Nobody has opened the form yet.
    assert.match(await rowOf().innerText(), /已发送/);
  });

  test('the link opens on a phone with no sign-in, and leaves the address bar at once', async () => {
    assert.ok(link, 'no link (the test before failed)');
    await openLink();
    await nomineePage.waitForSelector('body[data-ready="true"]');
    assert.ok(!nomineePage.url().includes('invite'), nomineePage.url());
    assert.ok(!nomineePage.url().includes(inviteToken), nomineePage.url());
    assert.equal(await nomineePage.locator('#round-title').innerText(), kTitle);
    assert.equal(await nomineePage.locator('#unit-name').innerText(), unit.name);
    assert.match(await nomineePage.locator('#expires-at').innerText(), /\d{4}年/);
    assert.ok(await nomineePage.locator('#nominee-form .field').count() > 3);
    // No top bar of a signed-in person, no menu.
    assert.equal(await nomineePage.locator('.menu').count(), 0);
    await assertNoSidewaysScroll(nomineePage);
    await shot(nomineePage, 'nominee-phone');
    // Opened, the unit sees it so.
    await openList();
    assert.match(await rowOf().innerText(), /已打开/);
  });

  test('submitting an incomplete form shows each error beside its field', async () => {
    const fields = await fieldsOn(nomineePage, '#nominee-form');
    const required = [];
    for (const f of fields.filter((field) => field.required)) {
      const input = nomineePage.locator(`#nominee-form .field[data-key="${f.key}"]`).locator('input, select, textarea');
      if (!(await input.inputValue())) required.push(f);
    }
    assert.ok(required.length > 5, `only ${required.length} required fields left empty on the form`);
    // A wrong ID number, and the required fields left empty.
    const idField = fields.find((f) => f.key === 'id_number');
    assert.ok(idField, 'no 身份证号 on the form');
    await fillField(nomineePage, '#nominee-form', idField, '110101198104121230');
    // A fresh form greets the nominee with no errors.
    assert.deepEqual(await errorsOn(nomineePage, '#nominee-form'), []);
    await nomineePage.getByRole('button', { name: '提交' }).click();
    await nomineePage.locator('#form-status .notice-error').waitFor();
    const errors = await nomineePage.locator('#nominee-form .field.has-error').evaluateAll((nodes) =>
      nodes.map((n) => ({ key: n.dataset.key, message: n.querySelector('.field-error').textContent })));
    for (const e of errors) assert.ok(e.message.trim(), `field ${e.key} is marked without a message`);
    const marked = new Set(errors.map((e) => e.key));
    for (const f of required.filter((r) => r.key !== 'id_number')) assert.ok(marked.has(f.key), `required ${f.key} not marked`);
    assert.ok(marked.has('id_number'), 'the wrong ID number is not marked');
    // The submission was refused (400) and said so above the fields.
    assert.match(await nomineePage.locator('#form-status').innerText(), /需要填写或修改/);
    assert.equal(await nomineePage.locator('#thanks').count(), 0);
    await assertNoSidewaysScroll(nomineePage);
    await shot(nomineePage, 'nominee-errors');
  });

  test('a draft is saved and is there again after a reload', async () => {
    await fillAll(nomineePage, '#nominee-form', values);
    await nomineePage.getByRole('button', { name: '保存草稿' }).click();
    await nomineePage.locator('#form-status .notice-ok').waitFor();
    assert.match(await nomineePage.locator('#form-status').innerText(), /草稿已保存/);
    assert.deepEqual(await errorsOn(nomineePage, '#nominee-form'), []);
    await nomineePage.reload();
    await nomineePage.waitForSelector('body[data-ready="true"]');
    const value = (key) => nomineePage.locator(`#nominee-form .field[data-key="${key}"]`)
      .locator('input, select, textarea').inputValue();
    assert.equal(await value('name'), kName);
    assert.equal(await value('unit'), values.unit);
    assert.equal(await value('gender'), '男');
    assert.equal(await value('birth_date'), values.birth_date);
    assert.equal(await value('fields'), values.fields);
    assert.equal(await value('academician'), '否');
  });

  test('the nominee uploads a photo of their own, shown as a thumbnail, and removes a wrong one', async () => {
    const photo = join(fixture.screenshots, `${kName}.jpg`);
    execFileSync('/usr/bin/python3', ['-c',
      'import sys, PIL.Image; PIL.Image.new("RGB", (240, 320), (30, 120, 80)).save(sys.argv[1], "JPEG", dpi=(300, 300))',
      photo]);
    const section = nomineePage.locator('#attachments');
    await section.getByText('还没有附件').waitFor();
    for (let i = 0; i < 2; i++) {
      await section.getByLabel('种类').selectOption({ label: '小2寸正面免冠彩色照片' });
      await section.locator('input[type="file"]').setInputFiles(photo);
      await section.getByRole('button', { name: '上传附件' }).click();
      await section.getByText(`已保存「${kName}.jpg」`).waitFor();
      await nomineePage.waitForFunction((n) => document.querySelectorAll('#attachments tbody tr').length === n, i + 1);
    }
    await nomineePage.waitForFunction(() => {
      const img = document.querySelector('#attachments img.thumbnail');
      return img && img.complete && img.naturalWidth === 240;
    });
    nomineePage.once('dialog', (dialog) => dialog.accept());
    await section.getByRole('button', { name: '删除' }).first().click();
    await nomineePage.waitForFunction(() => document.querySelectorAll('#attachments tbody tr').length === 1);
    await shot(nomineePage, 'nominee-attachments');
  });

  test('submitted, the page thanks the nominee and nothing else; the link is then refused', async () => {
    await nomineePage.getByRole('button', { name: '提交' }).click();
    await nomineePage.locator('#thanks').waitFor();
    assert.match(await nomineePage.locator('#thanks').innerText(), /已提交，谢谢您/);
    assert.equal(await nomineePage.locator('#nominee-form').count(), 0);
    assert.equal(await nomineePage.locator('#about').isVisible(), false);
    await assertNoSidewaysScroll(nomineePage);
    await shot(nomineePage, 'nominee-thanks');
    await openLink();
    await nomineePage.waitForSelector('body[data-ready="true"]');
    await nomineePage.locator('#messages .notice-error').waitFor();
    assert.equal(await nomineePage.locator('#nominee-form').count(), 0);
    const status = await nomineePage.evaluate(async (token) =>
      (await fetch('api/v1/nominee/form', { headers: { 'X-Invitation': token } })).status, inviteToken);
    assert.equal(status, 403);
  });

  test('the invitation header opens nothing but the nominee\'s own form', async () => {
    const statuses = await nomineePage.evaluate(async (token) => {
      const headers = { 'X-Invitation': token };
      return {
        search: (await fetch('api/v1/search?q=a', { headers })).status,
        me: (await fetch('api/v1/me', { headers })).status,
        rounds: (await fetch('api/v1/rounds', { headers })).status,
      };
    }, inviteToken);
    assert.deepEqual(statuses, { search: 401, me: 401, rounds: 401 });
  });

  test('the unit sees it submitted and returns it with a reason; the nominee sees the reason and submits again',
    async () => {
      await openList();
      const row = rowOf();
      assert.match(await row.innerText(), /已提交/);
      await row.getByRole('button', { name: '审核' }).click();
      const review = unitPage.locator('#review');
      await review.waitFor();
      assert.equal(await review.locator('.field[data-key="name"] input').inputValue(), kName);
      assert.equal(await review.locator('.field[data-key="id_number"] input').inputValue(), values.id_number);
      await shot(unitPage, 'invitation-review');
      await review.getByRole('button', { name: '退回' }).click();
      assert.match(await unitPage.locator('#review-status').innerText(), /请写明退回原因/);
      await review.getByLabel('退回原因').fill(kReason);
      await review.getByRole('button', { name: '退回' }).click();
      await unitPage.locator('#invitation-list tbody tr[data-state="returned"]').waitFor();
      assert.match(await rowOf().innerText(), /已退回/);

      await openLink();
      await nomineePage.waitForSelector('body[data-ready="true"]');
      const notice = nomineePage.locator('#returned-reason');
      await notice.waitFor();
      assert.ok((await notice.innerText()).includes(kReason), await notice.innerText());
      assert.equal(await nomineePage.locator('#nominee-form .field[data-key="unit"] input').inputValue(), values.unit);
      await assertNoSidewaysScroll(nomineePage);
      await shot(nomineePage, 'nominee-returned');
      await nomineePage.getByRole('button', { name: '提交' }).click();
      await nomineePage.locator('#thanks').waitFor();
    });

  test('the unit edits the form and takes it onto its list', async () => {
    await openList();
    const row = rowOf();
    assert.match(await row.innerText(), /已提交/);
    await row.getByRole('button', { name: '审核' }).click();
    const review = unitPage.locator('#review');
    await review.waitFor();
    await review.locator('.field[data-key="post"] input').fill('所长');
    await review.getByRole('button', { name: '保存修改' }).click();
    await unitPage.locator('#review-status .notice-ok').waitFor();
    // Saved: opened again, the form has the unit's edit.
    await openList();
    await rowOf().getByRole('button', { name: '审核' }).click();
    await review.waitFor();
    assert.equal(await review.locator('.field[data-key="post"] input').inputValue(), '所长');
    await review.getByRole('button', { name: '纳入推荐名单' }).click();
    await unitPage.locator('#accepted').waitFor();
    await unitPage.locator('#invitation-list tbody tr[data-state="accepted"]').waitFor();
    assert.match(await rowOf().innerText(), /已纳入名单/);
    await shot(unitPage, 'invitations-accepted');
    // On the unit's list of the round, as any person it recommends.
    await unitPage.goto(url(`portal.html?round=${kRound}`));
    await unitPage.waitForSelector('body[data-ready="true"]');
    const listed = unitPage.locator('#items tbody tr', { hasText: kName });
    await listed.waitFor();
    assert.match(await listed.innerText(), /所长/);
    // The link is used: it opens nothing any more.
    const status = await nomineePage.evaluate(async (token) =>
      (await fetch('api/v1/nominee/form', { headers: { 'X-Invitation': token } })).status, inviteToken);
    assert.equal(status, 404);
  });

  test('staff see a unit\'s invitations with ?unit=', async () => {
    const staff = await browser.newPage();
    await signIn(staff, fixture.staffToken, { next: `invitations.html?unit=${unit.code}&round=${kRound}` });
    await staff.waitForSelector('body[data-ready="true"]');
    assert.equal(await staff.locator('#unit-title').innerText(), `${unit.name} 邀请填表`);
    const row = staff.locator('#invitation-list tbody tr', { hasText: kName });
    assert.match(await row.innerText(), /已纳入名单/);
    await staff.close();
  });
});

describe('a nominee fills their part of an honour round\'s 推荐表', () => {
  const kHonourRound = `e2e-nominee-honour-${Date.now().toString(36)}`;
  const society = fixture.units.find((u) => u.type === '省级学会');
  const deeds = `培育糖料蔗新品种。${'扎根蔗区'.repeat(320)}`;
  let browser;
  let page;
  let secret = '';
  let invitation = 0;

  const asNominee = async (method, path, body) => {
    const res = await fetch(new URL(`/api/v1/nominee/${path}`, fixture.base), {
      method,
      headers: { 'X-Invitation': secret, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  };

  before(async () => {
    assert.ok(society, 'the demo registry has no 省级学会');
    await api('POST', 'rounds', fixture.staffToken, {
      code: kHonourRound, campaign: 'zuimei-guangxi-2024', kind: 'supplementary', title: '浏览器测试：被推荐人填写推荐表',
      opens_at: beijingTime(-1), deadline: beijingTime(20), reference_date: beijingTime(20).slice(0, 10),
      rule_set: 'zuimei-guangxi-2024', year: Number(beijingTime(0).slice(0, 4)),
    });
    const made = await api('POST', `rounds/${kHonourRound}/invitations`, unitToken(society.code),
      { name: '蒙蔗生', mobile: '13907718899' });
    secret = made.token;
    invitation = made.invitation.id;
    // The person fields as in the other test; the 推荐表 part is what the browser fills.
    const saved = await asNominee('PUT', 'form', { values: {
      gender: '男', birth_date: '1982-06-01', id_number: idNumber('450103', '19820601', 153), ethnic_group: '壮族',
      political_affiliation: '中共党员', unit: '广西农业科学院甘蔗研究所', post: '研究室主任', title: '研究员',
      education: '博士研究生', degree: '博士', graduated_from: '广西大学', major: '作物遗传育种',
      career: '2008年至今 广西农业科学院甘蔗研究所', achievements: '糖料蔗育种',
    } });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    browser = await openBrowser({ viewport: kPhone });
    page = await browser.newPage();
  });
  after(async () => { await browser.close(); });

  test('the nominee sees their boxes, never the unit\'s, and fills them', async () => {
    await page.goto(url(`nominee.html#invite=${secret}`));
    await page.waitForSelector('body[data-ready="true"]');
    const part = page.locator('#honour-part');
    await part.waitFor();
    const boxes = await part.locator('[data-key]').evaluateAll((nodes) => nodes.map((n) => n.dataset.key));
    assert.deepEqual(boxes, ['推荐组别', '推荐领域', '办公电话', '学习工作经历', '主要事迹', '感人故事', '个人声明']);
    for (const box of ['所在单位意见', '备注']) assert.equal(await page.locator(`[data-key="${box}"]`).count(), 0);
    assert.doesNotMatch(await page.locator('#form').innerText(), /扎根基层|同意推荐/);
    await part.getByLabel('农科').check();
    await part.getByLabel('科技服务民生').check();
    await part.locator('[data-key="办公电话"] input').fill('0771-3243011');
    const row = part.locator('[data-key="学习工作经历"] tbody tr').first();
    await row.locator('[data-column="起止年月"]').fill('2008.07—今');
    await row.locator('[data-column="单位"]').fill('广西农业科学院甘蔗研究所');
    await row.locator('[data-column="工作"]').fill('研究员');
    // The counter follows the typing: short is advice, about 1,500 is not.
    const deedsBox = part.locator('[data-key="主要事迹"] textarea');
    const counter = part.locator('.counter[data-for="主要事迹"]');
    await deedsBox.fill('培育糖料蔗新品种');
    assert.match(await counter.innerText(), /^8 字 \/ 上限 3000 字（宜在 1200～1800 字之间）/);
    await deedsBox.fill(deeds);
    assert.equal(await counter.innerText(), `${[...deeds].length} 字 / 上限 3000 字`);
    await part.locator('[data-key="感人故事"] textarea').first().fill('台风过后他第一个走进蔗田。');
    await part.locator('[data-key="个人声明"] input[type="checkbox"]').check();
    await shot(page, 'nominee-honour-part');
    await page.click('#save');
    await page.waitForSelector('#form-status .notice');
    assert.match(await page.locator('#form-status').innerText(), /草稿已保存。/);
    // Saved as the page shows it: a reload brings it back.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#honour-part [data-key="主要事迹"] textarea').inputValue(), deeds);
    assert.ok(await page.locator('#honour-part').getByLabel('农科').isChecked());
    await page.click('#submit');
    await page.waitForSelector('#thanks');
  });

  test('the unit accepts the form and the 推荐表 holds the nominee\'s boxes', async () => {
    const token = unitToken(society.code);
    const taken = await api('POST', `invitations/${invitation}/accept`, token);
    const form = await api('GET', `recommendations/${taken.recommendation.id}/honour-form`, token);
    assert.equal(form.group, '农科');
    assert.deepEqual(form.values['推荐领域'], ['科技服务民生']);
    assert.equal(form.values['主要事迹'], deeds);
    assert.equal(form.values['学习工作经历'][0]['单位'], '广西农业科学院甘蔗研究所');
    assert.deepEqual(form.values['感人故事'], ['台风过后他第一个走进蔗田。']);
    assert.equal(form.values['个人声明'], true);
    assert.equal(form.values['所在单位意见'], undefined);
  });
});
