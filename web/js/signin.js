// The sign-in page: checks a token with GET /api/v1/me before keeping it, then goes
// back to the page that sent the person here, or to the role's first page.

import { get, storeToken } from './api.js';
import { clear, errorNotice, homeFor, notice } from './shell.js';

const form = document.getElementById('signin-form');
const messages = document.getElementById('messages');
const params = new URLSearchParams(location.search);

if (params.get('signed_out')) {
  clear(messages, notice('ok', '已退出。令牌本身仍然有效，如已泄露请联系管理员吊销。'));
}

// Only a page of this site (a bare file name with its query) is a place to go back to.
function nextPage(role) {
  const next = params.get('next') || '';
  return /^[a-z_]+\.html(\?[^#]*)?$/.test(next) ? next : homeFor(role);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = form.token.value.trim();
  if (!token) return;
  const button = form.querySelector('button');
  button.disabled = true;
  clear(messages, notice('info', '正在核对令牌……'));
  try {
    const me = await get('me', {}, { token });
    storeToken(token, form.remember.checked);
    location.assign(nextPage(me.role));
  } catch (error) {
    clear(messages, errorNotice(error));
    button.disabled = false;
    form.token.select();
  }
});
