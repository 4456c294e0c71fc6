// What the browser tests share: the fixture run.mjs made (server address, tokens, the
// staff account, the demo pool file), Debian's chromium started by playwright-core with a
// fresh profile, a guard that fails a test when a page asks for anything outside
// 127.0.0.1 or breaks the pages' Content-Security-Policy or throws, or receives an API
// answer other than the OpenAPI document declares (openapi.mjs) — the answers api() and
// sessionApi() fetch from node are held to it too —, sign-in through the
// sign-in page (token or password), accounts opened and readied, screenshots, and
// readings of the pool file and the data tables for expected values.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { openApiChecker } from './openapi.mjs';

export const fixture = JSON.parse(readFileSync(process.env.E2E_FIXTURE, 'utf8'));

const kChromiumFlags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const kLaptop = { width: 1366, height: 900 };
export const kPhone = { width: 390, height: 844 };

const kLoopback = new Set(['127.0.0.1', 'localhost', '[::1]']);

// The server's OpenAPI document as a checker of answers (openapi.mjs), fetched once.
let checker = null;
async function apiChecker() {
  if (!checker) {
    const res = await fetch(new URL('/api/v1/openapi.json', fixture.base));
    checker = openApiChecker(await res.json());
  }
  return checker;
}

// Reads an answer fetched from node (api(), sessionApi()) and holds a JSON one to the OpenAPI
// document as the pages' answers are: a mismatch throws, naming the route and the place.
// Answers the parsed body, or null when the answer is not JSON.
export async function checkedBody(method, address, res) {
  const text = await res.text();
  if (!(res.headers.get('content-type') || '').startsWith('application/json')) return null;
  const where = `${method} ${address.pathname}${address.search} ${res.status}`;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${where}: answered as JSON, but the body is not JSON`);
  }
  const problems = (await apiChecker())(method, address.pathname, res.status, body);
  if (problems.length) {
    throw new Error(`${where}: not as the OpenAPI document declares:\n${problems.join('\n')}`);
  }
  return body;
}

// A browser with a fresh profile folder (removed by close()). Every request of every
// page goes through route(): one for a host outside loopback is refused and recorded,
// and close() fails the test if there was any, or any uncaught page error or CSP
// violation, or any JSON answer of /api/v1/ a page received that is not what the OpenAPI
// document declares for its route, method and status.
export async function openBrowser({ viewport = kLaptop, javaScriptEnabled = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'talentpool-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: kChromiumFlags,
    viewport,
    javaScriptEnabled,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  // The machine may be busy with other tests (and sanitizer builds are slow): waits are
  // generous, a test fails on what it sees, not on a tight clock.
  context.setDefaultTimeout(60000);
  context.setDefaultNavigationTimeout(60000);
  const outside = [];
  const problems = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' ||
         url.protocol === 'wss:') && !kLoopback.has(url.hostname)) {
      outside.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const watch = (page) => {
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.stack || error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
        problems.push(`CSP on ${page.url()}: ${msg.text()}`);
      }
    });
  };
  context.on('page', watch);
  // Every JSON answer of the API the pages receive, read once it has arrived whole (the
  // body is gone once the context closes).
  const answers = [];
  context.on('requestfinished', (request) => {
    const at = new URL(request.url());
    if (!kLoopback.has(at.hostname) || !at.pathname.startsWith('/api/v1/')) return;
    answers.push(request.response().then(async (response) => {
      const type = (response && response.headers()['content-type']) || '';
      if (!type.startsWith('application/json')) return null;
      const text = (await response.body()).toString('utf8');
      const answer = { method: request.method(), path: at.pathname, status: response.status() };
      try {
        return { ...answer, body: JSON.parse(text) };
      } catch {
        return { ...answer, notJson: true };
      }
    }).catch(() => null));  // the body was no longer to be had (the page went on)
  });
  for (const page of context.pages()) watch(page);
  // The persistent context opens with one blank tab: the first page asked for is that one.
  let blank = context.pages()[0] || null;
  return {
    context,
    async newPage() {
      const page = blank || await context.newPage();
      blank = null;
      return page;
    },
    outside,
    problems,
    async close() {
      const received = (await Promise.all(answers)).filter(Boolean);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      assert.deepEqual(outside, [], 'pages asked for addresses outside 127.0.0.1');
      assert.deepEqual(problems, [], 'pages threw errors or broke the Content-Security-Policy');
      const check = await apiChecker();
      const mismatches = [...new Set(received.flatMap((a) => (a.notJson
        ? [`${a.method} ${a.path} ${a.status}: answered as JSON, but the body is not JSON`]
        : check(a.method, a.path, a.status, a.body))))];
      assert.deepEqual(mismatches, [], `of ${received.length} API answers the pages received, some are not as the OpenAPI document declares`);
    },
  };
}

export function url(path) {
  return new URL(path, fixture.base + '/').href;
}

function signInPage(next) {
  return url(next ? `signin.html?next=${encodeURIComponent(next)}` : 'signin.html');
}

// Signs in with an API token through the sign-in page as a person would (opening「API
// 令牌」first), and waits for the page it leads to.
export async function signIn(page, token, { next } = {}) {
  await page.goto(signInPage(next));
  await page.getByText('API 令牌', { exact: true }).click();
  await page.getByLabel('访问令牌').fill(token);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith('/signin.html')),
    page.locator('#signin-form').getByRole('button', { name: '登录' }).click(),
  ]);
  await page.locator('.topbar .who').waitFor();
}

// Signs in with a username and password through the sign-in page, and waits for the page
// it leads to (password.html first when the password must be changed).
export async function signInWithPassword(page, username, password, { next } = {}) {
  await page.goto(signInPage(next));
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith('/signin.html')),
    page.locator('#password-form').getByRole('button', { name: '登录' }).click(),
  ]);
  await page.locator('.topbar .who').waitFor();
}

// Opens an account with the binary on the registry the server uses; answers the initial
// password (the last line `talentpool user add` prints).
export function addAccount(username, role, { unit, province, name = '测试员' } = {}) {
  const args = ['user', 'add', '--data', fixture.dataDir, '--username', username, '--role', role, '--name', name];
  if (unit) args.push('--unit', unit);
  if (province) args.push('--province', province);
  const out = execFileSync(fixture.binary, args, { env: { ...process.env, TALENTPOOL_ROOT: fixture.root }, encoding: 'utf8' });
  return out.trim().split('\n').pop().trim();
}

// Signs in through the API from node as a script would (a cookie and a CSRF token):
// answers { status, body, cookie, csrf, headers }, whatever the status.
export async function apiSignIn(username, password) {
  const res = await fetch(new URL('/api/v1/session', fixture.base), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  const body = await res.json().catch(() => null);
  const cookie = (res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie') || ''])
    .map((c) => c.split(';')[0]).filter((c) => c.startsWith('tp_session=')).join('; ');
  return { status: res.status, body, cookie, csrf: body && body.csrf_token, headers: res.headers };
}

// Calls the API with a session from apiSignIn (the cookie and, for changes, the CSRF token).
export async function sessionApi(session, method, path, body) {
  const headers = { Cookie: session.cookie, 'X-CSRF-Token': session.csrf };
  if (body) headers['Content-Type'] = 'application/json';
  const address = new URL(`/api/v1/${path}`, fixture.base);
  const res = await fetch(address, {
    method, headers, body: body ? JSON.stringify(body) : undefined,
  });
  const json = await checkedBody(method, address, res);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// An account ready to use: opened, and its initial password changed through the API to
// `password`. Answers { username, password }.
export async function readyAccount(username, role, password, more = {}) {
  const initial = addAccount(username, role, more);
  const session = await apiSignIn(username, initial);
  assert.equal(session.status, 200, `signing in as ${username}: ${JSON.stringify(session.body)}`);
  await sessionApi(session, 'POST', 'session/password', { current_password: initial, new_password: password });
  return { username, password };
}

// Records what a node shows while a long piece of work runs (however briefly each state
// lasts): call before starting the work; the function it answers gives every state seen,
// as { text, shown } (shown: the node was not hidden).
export async function watchNode(page, selector) {
  await page.evaluate((sel) => {
    const node = document.querySelector(sel);
    window.e2eSeen ??= {};
    const seen = window.e2eSeen[sel] = [];
    const note = () => seen.push({ text: node.textContent, shown: !node.hidden });
    new MutationObserver(note).observe(node, { childList: true, subtree: true, characterData: true, attributes: true });
  }, selector);
  return () => page.evaluate((sel) => window.e2eSeen[sel], selector);
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(fixture.screenshots, { recursive: true });
  await page.screenshot({ path: join(fixture.screenshots, `${name}.png`), fullPage });
}

// A new token for one unit, made with the binary on the registry the server uses.
export function unitToken(code) {
  return execFileSync(fixture.binary, ['token', '--data', fixture.dataDir, '--role', 'unit', '--unit', code,
    '--label', `e2e-${code}`], { env: { ...process.env, TALENTPOOL_ROOT: fixture.root }, encoding: 'utf8' }).trim();
}

// A new token for a provincial association (two-digit province code).
export function provinceToken(code) {
  return execFileSync(fixture.binary, ['token', '--data', fixture.dataDir, '--role', 'province', '--province', code,
    '--label', `e2e-province-${code}`], { env: { ...process.env, TALENTPOOL_ROOT: fixture.root }, encoding: 'utf8' }).trim();
}

// The province (code, name as data/regions.tsv writes it) with the most units of a type.
export function busiestProvince(type) {
  const counts = new Map();
  for (const u of fixture.units) if (u.province && u.type === type) counts.set(u.province, (counts.get(u.province) || 0) + 1);
  const [code] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] || [];
  assert.ok(code, `no ${type} of any province in the registry`);
  return { code, name: regionName(`${code}0000`) };
}

let regions = null;
export function regionName(code) {
  regions ??= table('regions.tsv');
  return regions.get(code);
}

// A county-level code in force (not historical) of a province, for ID numbers issued there.
export function countyOf(province) {
  for (const line of readFileSync(join(fixture.root, 'data', 'regions.tsv'), 'utf8').split('\n')) {
    const [code, , historical] = line.split('\t');
    if (code.startsWith(province) && /^\d{4}(?!00)\d{2}$/.test(code) && !historical) return code;
  }
  assert.fail(`no county of province ${province} in data/regions.tsv`);
}

// The demo pool file as objects keyed by its Chinese column names.
let poolRows = null;
export function pool() {
  if (!poolRows) poolRows = parseCsv(readFileSync(fixture.pool, 'utf8').replace(/^\uFEFF/, ''));
  return poolRows;
}

export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.some((v) => v !== '')) rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

// The unit (from `talentpool units`) that recommended the most people of the pool.
export function busiestUnit() {
  const counts = new Map();
  for (const r of pool()) counts.set(r['推荐单位'], (counts.get(r['推荐单位']) || 0) + 1);
  const [name, people] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const unit = fixture.units.find((u) => u.name === name);
  assert.ok(unit, `unit ${name} of the pool file is not in the registry`);
  return { ...unit, people };
}

function table(file) {
  const map = new Map();
  for (const line of readFileSync(join(fixture.root, 'data', file), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [key, value] = line.split('\t');
    map.set(key, value);
  }
  return map;
}

// Readings of characters (data/pinyin.tsv) and surnames (data/pinyin_surnames.tsv).
let readings = null;
let surnameReadings = null;
// The pinyin of a name, or null when a character has more than one reading (the
// test then picks another name).
export function pinyinOf(name) {
  readings ??= table('pinyin.tsv');
  surnameReadings ??= table('pinyin_surnames.tsv');
  const parts = [];
  for (const [i, ch] of [...name].entries()) {
    const r = (i === 0 && surnameReadings.get(ch)) || readings.get(ch);
    if (!r || r.includes(',')) return null;
    parts.push(r);
  }
  return parts.join('');
}

// Simplified text written in traditional characters (data/t2s.tsv read backwards), or
// null when no character of it has a traditional form.
let toTraditional = null;
export function traditionalOf(text) {
  if (!toTraditional) {
    toTraditional = new Map();
    const seen = new Map();
    for (const [trad, simp] of table('t2s.tsv')) seen.set(simp, [...(seen.get(simp) || []), trad]);
    // Only characters with one traditional form: the reverse of the table is then exact.
    for (const [simp, trads] of seen) if (trads.length === 1) toTraditional.set(simp, trads[0]);
  }
  let changed = false;
  const out = [...text].map((ch) => {
    const t = toTraditional.get(ch);
    if (t) changed = true;
    return t || ch;
  }).join('');
  return changed ? out : null;
}

// The texts of an XLSX file (shared strings and inline strings of every sheet), read with
// node's zlib: enough to check what a downloaded workbook says.
export function xlsxTexts(bytes) {
  const buf = Buffer.from(bytes);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const texts = [];
  for (let i = 0; i < entries; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extra + comment;
    if (!/^xl\/(sharedStrings\.xml|worksheets\/.+\.xml)$/.test(name)) continue;
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    const xml = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    for (const m of xml.matchAll(/<t(?: [^>]*)?>([^<]*)<\/t>/g)) texts.push(unescapeXml(m[1]));
  }
  return texts;
}

function unescapeXml(text) {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ||
    String.fromCodePoint(Number(e.slice(1))));
}

// A valid resident ID number (GB 11643): region code, birth date YYYYMMDD, a three-digit
// sequence (odd for men), and the ISO 7064 MOD 11-2 check digit.
export function idNumber(region, birth, sequence) {
  const body = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((n, d, i) => n + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

// Calls the API as a test would set things up (not what the tests check).
export async function api(method, path, token, body) {
  const address = new URL(`/api/v1/${path}`, fixture.base);
  const res = await fetch(address, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await checkedBody(method, address, res);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// A stamped opinion as a one-page PDF scan (Pillow), made once per run.
let scanBytes = null;
function stampedScan() {
  if (!scanBytes) {
    mkdirSync(fixture.screenshots, { recursive: true });
    const out = join(fixture.screenshots, 'stamped-opinion.pdf');
    execFileSync('/usr/bin/python3', ['-c',
      'import sys, PIL.Image; PIL.Image.new("L", (827, 1169), 235).save(sys.argv[1], "PDF", resolution=100)', out]);
    scanBytes = readFileSync(out);
  }
  return scanBytes;
}

// What an honour round's list needs before it goes, beside the person, as the unit gives it
// (`as`: { token } or { session } from apiSignIn): the person boxes the 推荐表 prints (学历,
// 毕业院校, 所学专业), its own boxes, and the two stamped opinions as scans.
export async function completeHonourForm(as, recommendation, personId, round) {
  const send = (method, path, body) =>
    (as.session ? sessionApi(as.session, method, path, body) : api(method, path, as.token, body));
  await send('PATCH', `recommendations/${recommendation}`,
    { person: { 最高学历: '研究生', 毕业院校: '广西大学', 所学专业: '作物遗传育种' } });
  let deeds = '扎根一线二十年，培育新品种，带动农户增收。';
  while (deeds.length < 1500) deeds += '深入田间地头开展技术指导，服务乡村振兴。';
  await send('PUT', `recommendations/${recommendation}/honour-form`, {
    推荐领域: ['科技服务民生'],
    学习工作经历: [{ 起止年月: '2004.07—今', 单位: '广西农业科学院', 工作: '研究员' }],
    主要事迹: deeds,
    感人故事: ['台风过后，他第一个走进试验田。'],
    个人声明: true,
    所在单位意见: '该同志政治表现好、廉洁自律，材料真实准确，不涉密。同意推荐。',
  });
  for (const kind of ['unit_opinion', 'recommendation_opinion']) {
    const headers = as.session ? { Cookie: as.session.cookie, 'X-CSRF-Token': as.session.csrf }
      : { Authorization: `Bearer ${as.token}` };
    const res = await fetch(new URL(`/api/v1/persons/${personId}/attachments?kind=${kind}&round=${round}`,
      fixture.base), { method: 'POST', headers: { ...headers, 'Content-Type': 'application/pdf' }, body: stampedScan() });
    if (res.status !== 201) throw new Error(`uploading ${kind}: ${res.status} ${await res.text()}`);
  }
}

// "YYYY-MM-DD HH:MM" in Beijing time, `days` from now.
export function beijingTime(days) {
  const t = new Date(Date.now() + days * 86400000 + 8 * 3600000);
  return t.toISOString().slice(0, 16).replace('T', ' ');
}
