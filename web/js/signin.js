// The sign-in page: a username and password (POST /api/v1/session, which sets the session
// cookie and answers the CSRF token), or, behind「API 令牌」, a token checked with
// GET /api/v1/me before it is kept. Then a password someone else set is changed first;
// else the person goes back to the page that sent them here, or to the role's first page.

import { ApiError, call, forgetToken, get, rememberSession, storeToken } from './api.js';
import { clear, errorNotice, homeFor, notice, passwordUrl } from './shell.js';

const passwordForm = document.getElementById('password-form');
const tokenForm = document.getElementById('signin-form');
const tokenBox = document.getElementById('token-box');
const messages = document.getElementById('messages');
const params = new URLSearchParams(location.search);

if (params.get('signed_out')) {
  clear(messages, notice('ok', params.get('via') === 'token'
    ? '已退出。令牌本身仍然有效，如已泄露请联系管理员吊销。'
    : '已退出。'));
}

// Only a page of this site (a bare file name with its query) is a place to go back to.
function nextPage(role) {
  const next = params.get('next') || '';
  return /^[a-z_]+\.html(\?[^#]*)?$/.test(next) ? next : homeFor(role);
}

// "请 15 分钟后再试": whole minutes, rounded up, of the server's Retry-After.
function waitText(seconds) {
  if (!seconds) return '';
  return `请 ${Math.max(1, Math.ceil(seconds / 60))} 分钟后再试。`;
}

// A lock (429) says how long it lasts: the server's message, with the minutes of its
// Retry-After when the message does not give them already.
function refusal(error) {
  if (error instanceof ApiError && error.status === 429) {
    const wait = /分钟/.test(error.message) ? '' : waitText(error.retryAfter);
    return notice('error', [error.message, wait].filter(Boolean).join(' '));
  }
  return errorNotice(error);
}

passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = passwordForm.username.value.trim();
  const password = passwordForm.password.value;
  if (!username || !password) return;
  const button = passwordForm.querySelector('button');
  button.disabled = true;
  clear(messages, notice('info', '正在登录……'));
  try {
    // A token kept from before would be sent instead of the cookie: signing in drops it.
    forgetToken();
    const session = await call('POST', 'session', { body: { username, password }, csrf: false });
    rememberSession(session);
    if (session.must_change_password) {
      location.assign(passwordUrl({ first: true, next: nextPage(session.role) }));
    } else {
      location.assign(nextPage(session.role));
    }
  } catch (error) {
    clear(messages, refusal(error));
    button.disabled = false;
    passwordForm.password.value = '';
    passwordForm.password.focus();
  }
});

tokenBox.addEventListener('toggle', () => {
  if (tokenBox.open) tokenForm.token.focus();
});

tokenForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = tokenForm.token.value.trim();
  if (!token) return;
  const button = tokenForm.querySelector('button');
  button.disabled = true;
  clear(messages, notice('info', '正在核对令牌……'));
  try {
    const me = await get('me', {}, { token });
    storeToken(token, tokenForm.remember.checked);
    location.assign(nextPage(me.role));
  } catch (error) {
    clear(messages, errorNotice(error));
    button.disabled = false;
    tokenForm.token.select();
  }
});
