// Changing one's password (POST /api/v1/session/password). With ?first=1 it is the change
// a person must make at the first sign-in with a password someone else set; then the
// page goes on to ?next= or the role's first page. The rules are shown and ticked as the
// person types, but the server decides: its refusals are shown beside the field they name.

import { ApiError, post, rememberSession } from './api.js';
import { clear, el, errorNotice, homeFor, notice, startPage } from './shell.js';

const params = new URLSearchParams(location.search);
const first = params.get('first') === '1';
const messages = document.getElementById('messages');
const section = document.getElementById('password');

// The rules of docs/accounts.md, to tick while typing; the common-password list is the
// server's alone.
function ruleChecks(password, username) {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  return [
    ['length', '至少 10 个字符', password.length >= 10],
    ['classes', '包含小写字母、大写字母、数字、其他符号中的至少三类', classes >= 3],
    ['username', '不包含用户名', !username || !password.toLowerCase().includes(username.toLowerCase())],
    ['common', '不是常见密码（由服务器核对）', null],
  ];
}

function nextPage(role) {
  const next = params.get('next') || '';
  return /^[a-z_]+\.html(\?[^#]*)?$/.test(next) ? next : homeFor(role);
}

// The input a field error of the API names (by key or by label), if the form has one.
const kFieldNames = {
  current_password: 'current', 当前密码: 'current', password: 'current',
  new_password: 'new', 新密码: 'new',
};

function field(id, label, autocomplete) {
  const input = el('input', { id, name: id, type: 'password', autocomplete, required: true,
    'aria-describedby': `${id}-error` });
  const error = el('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  return { input, error, node: el('div', { class: 'field' }, el('label', { for: id }, label), input, error) };
}

function render(me) {
  const current = field('current', '当前密码', 'current-password');
  const fresh = field('new', '新密码', 'new-password');
  const again = field('again', '再次输入新密码', 'new-password');
  const inputs = { current, new: fresh, again };
  const rules = el('ul', { class: 'rules', id: 'password-rules', 'aria-label': '密码要求' });
  const tick = () => {
    clear(rules, ruleChecks(fresh.input.value, me.username).map(([key, text, ok]) => el('li', {
      dataset: { rule: key }, class: ok === null ? 'rule' : ok ? 'rule met' : 'rule unmet',
    }, ok === null ? '· ' : ok ? '✓ ' : '✗ ', text)));
  };
  tick();
  fresh.input.addEventListener('input', tick);
  const button = el('button', { type: 'submit', class: 'primary' }, '修改密码');
  const form = el('form', { id: 'password-form', class: 'stack-form', novalidate: true },
    current.node, fresh.node, el('div', { class: 'rules-box' }, el('p', { class: 'hint' }, '新密码要求：'), rules),
    again.node, button);
  const showErrors = (errors) => {
    for (const f of Object.values(inputs)) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
    const rest = [];
    for (const e of errors) {
      const f = inputs[kFieldNames[e.field]] || (e.target && inputs[e.target]);
      if (!f) {
        rest.push(e);
        continue;
      }
      f.error.textContent = f.error.textContent ? `${f.error.textContent}；${e.message}` : e.message;
      f.input.setAttribute('aria-invalid', 'true');
    }
    return rest;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(messages);
    const local = [];
    if (!current.input.value) local.push({ target: 'current', message: '请输入当前密码' });
    if (!fresh.input.value) local.push({ target: 'new', message: '请输入新密码' });
    if (fresh.input.value !== again.input.value) local.push({ target: 'again', message: '两次输入的新密码不一致' });
    if (local.length) {
      showErrors(local);
      return;
    }
    showErrors([]);
    button.disabled = true;
    try {
      const answer = await post('session/password', {
        current_password: current.input.value, new_password: fresh.input.value,
      });
      // The answer may carry the session anew (its other sessions ended).
      if (answer && answer.csrf_token) rememberSession(answer);
      form.reset();
      tick();
      if (first) {
        clear(messages, notice('ok', '密码已修改，正在进入系统……'));
        location.assign(nextPage(me.role));
        return;
      }
      clear(messages, notice('ok', '密码已修改。用这个账户在其他设备上的登录已全部退出。'));
    } catch (error) {
      if (!(error instanceof ApiError)) {
        clear(messages, errorNotice(error));
        return;
      }
      // The fields named go beside their inputs; the message and any other detail on top.
      clear(messages, notice('error', error.message, showErrors(error.details)));
    } finally {
      button.disabled = false;
    }
  });
  clear(section, form);
  current.input.focus();
}

async function main() {
  const me = await startPage({ passwordPage: true });
  if (me.via !== 'session') {
    clear(section, notice('info', '您是用 API 令牌登录的：令牌没有密码。要用用户名和密码登录，请先退出。'));
    return;
  }
  if (first || me.must_change_password) {
    messages.before(notice('warning', '首次登录请先修改初始密码。初始密码由管理员设置，修改后才能使用系统。'));
  }
  render(me);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  if (!(error instanceof ApiError)) clear(messages, errorNotice(error));
});
