// What every signed-in page shares: checking who is signed in (GET /api/v1/me), by a
// session or a token, sending a person whose password someone else set to change it
// first, the top bar with the pages the role may use, 修改密码 and 退出, and small
// functions that build the DOM. Pages never write HTML from data: text goes in as text
// (see el()).

import { ApiError, call, forgetToken, get, storedToken } from './api.js';
import { kRoles } from './labels.js';

// The pages each role may open, in menu order.
const kMenus = {
  staff: [
    ['index.html', '检索'],
    ['dashboard.html', '统计'],
    ['review.html', '审核'],
    ['cohorts.html', '培训班次'],
    ['import.html', '导入'],
    ['campaign.html', '荣誉推选'],
    ['accounts.html', '账户'],
  ],
  // A province reads its own province: the pool, its figures and its units' lists
  // (审核 itself stays with CAST staff; the review page says so).
  province: [
    ['index.html', '检索'],
    ['dashboard.html', '统计'],
    ['review.html', '本省推荐名单'],
    ['cohorts.html', '本省培训'],
    ['accounts.html', '账户'],
  ],
  unit: [
    ['portal.html', '推荐报送'],
    ['invitations.html', '邀请填表'],
    ['index.html', '本单位人员'],
  ],
  // An expert sees only the candidates assigned to them.
  expert: [
    ['expert.html', '评审'],
  ],
};

export function homeFor(role) {
  if (role === 'unit') return 'portal.html';
  if (role === 'expert') return 'expert.html';
  return 'index.html';
}

// el('a', {href: 'x', class: 'y'}, 'text', child): an element with attributes and
// children (strings become text nodes). on* attributes given as functions become
// listeners; false/null/undefined attributes and children are skipped.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === false || child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Each cell of a list table gets its column's name as data-label: on a phone, where the
// rows are shown as cards (site.css), the name stands before the value. Tables are built
// in many places and redrawn often, so one observer labels whatever table appears.
export function labelCells(table) {
  const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.cells].forEach((cell, i) => {
      if (!cell.hasAttribute('data-label')) cell.dataset.label = cell.colSpan > 1 ? '' : names[i] || '';
    });
  }
}

new MutationObserver((changes) => {
  const tables = new Set();
  for (const change of changes) {
    const target = change.target instanceof Element ? change.target : null;
    const around = target && target.closest('table.list');
    if (around) tables.add(around);
    for (const node of change.addedNodes) {
      if (!(node instanceof Element)) continue;
      if (node.matches('table.list')) tables.add(node);
      node.querySelectorAll('table.list').forEach((t) => tables.add(t));
    }
  }
  tables.forEach(labelCells);
}).observe(document.documentElement, { childList: true, subtree: true });

export function clear(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// A message box: kind is 'error', 'warning', 'ok' or 'info'. Errors of the API show
// its message and the field details it lists (row numbers included).
export function notice(kind, message, details = []) {
  const box = el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    el('p', {}, message));
  if (details.length) {
    box.append(el('ul', {}, details.map((d) => el('li', {},
      d.row ? `第${d.row}行 ` : '', d.field ? `「${d.field}」：` : '', d.message))));
  }
  return box;
}

export function errorNotice(error) {
  if (error instanceof ApiError) return notice('error', error.message, error.details);
  return notice('error', '页面出错：' + (error && error.message ? error.message : String(error)));
}

export function signInUrl(next) {
  const url = new URL('signin.html', document.baseURI);
  if (next) url.searchParams.set('next', next);
  return url.href;
}

// The page for changing one's password; `first`: the forced change of a password someone
// else set, coming back to `next` after.
export function passwordUrl({ first = false, next = '' } = {}) {
  const url = new URL('password.html', document.baseURI);
  if (first) url.searchParams.set('first', '1');
  if (next) url.searchParams.set('next', next);
  return url.href;
}

// Ends the session on the server (when signed in by one), then forgets any token.
export async function signOut() {
  const byToken = Boolean(storedToken());
  if (!byToken) {
    try {
      await call('DELETE', 'session');
    } catch {
      // Already ended (expired, or signed out in another tab): nothing left to end.
    }
  }
  forgetToken();
  const url = new URL('signin.html', document.baseURI);
  url.searchParams.set('signed_out', '1');
  if (byToken) url.searchParams.set('via', 'token');
  location.assign(url.href);
}

function topBar(me) {
  const here = location.pathname.split('/').pop() || 'index.html';
  // Until a password someone else set is changed, no page but this one opens: no menu.
  const menu = me.must_change_password ? [] : kMenus[me.role] || [];
  const bySession = me.via === 'session';
  const who = me.role === 'unit' && me.unit ? me.unit.name || me.unit.code
    : me.role === 'province' && me.province ? me.province.name || me.province.code
    : bySession ? '' : me.label || '';
  const person = bySession ? me.display_name || me.username || '' : '';
  return el('div', { class: 'topbar-inner' },
    el('a', { class: 'brand', href: homeFor(me.role) }, '科技界党外代表人士库'),
    el('nav', { class: 'menu', 'aria-label': '页面' },
      menu.map(([href, text]) => el('a', { href, 'aria-current': href === here ? 'page' : false }, text))),
    el('div', { class: 'who' },
      el('span', { class: 'role', 'data-role': me.role }, kRoles[me.role] || me.role),
      who ? el('span', { class: 'who-name' }, who) : null,
      person ? el('span', { class: 'who-user', title: me.username || '' }, person) : null,
      bySession && !me.must_change_password ? el('a', { class: 'who-link', href: 'password.html' }, '修改密码') : null,
      el('button', { type: 'button', class: 'link-button', onclick: signOut }, '退出')));
}

// Starts a signed-in page: without a session or a token the server accepts, goes to the
// sign-in page (and back here after); with a password someone else set, to changing it
// first (but for the page that changes it, `passwordPage`). `roles` lists the roles the
// page is for; others see a message instead of the page. Answers the /me object.
export async function startPage({ roles, passwordPage = false } = {}) {
  const bar = document.getElementById('topbar');
  const main = document.getElementById('main');
  const here = location.pathname.split('/').pop() + location.search;
  let me;
  try {
    // No token stored: the session cookie, if any, answers.
    me = await get('me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetToken();
      location.replace(signInUrl(here));
      return new Promise(() => {});
    }
    clear(main, errorNotice(error));
    throw error;
  }
  if (me.must_change_password && !passwordPage) {
    location.replace(passwordUrl({ first: true, next: here }));
    return new Promise(() => {});
  }
  clear(bar, topBar(me));
  document.body.dataset.role = me.role;
  if (roles && !roles.includes(me.role)) {
    clear(main,
      notice('warning', `此页面供${roles.map((r) => kRoles[r]).join('、')}使用，当前登录身份是${kRoles[me.role] || me.role}。`),
      el('p', {}, el('a', { href: homeFor(me.role) }, '回到首页')));
    return new Promise(() => {});
  }
  return me;
}

// A moment as the notices write it, in Beijing time and with the year: 2026年1月1日 00:00.
export function formatDateTime(text) {
  if (!text) return '';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: 'long',
    day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

// Saves a Response (a download of the API) as a file with the name the server gave.
export async function saveDownload(response, fallbackName) {
  const blob = await response.blob();
  let name = fallbackName;
  const disposition = response.headers.get('Content-Disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  if (star) name = decodeURIComponent(star[1]);
  else if (plain) name = plain[1];
  const link = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  return name;
}
