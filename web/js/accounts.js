// Accounts (staff: every account; a province: the unit accounts of its units): the list
// with each account's state and last sign-in, opening an account, and per account
// 停用/启用, 重置密码, 解锁 and 结束全部会话. The initial password of a new account or a
// reset is shown once. Below, anyone signed in makes API tokens for scripts (shown once),
// lists them and revokes them. Every rule (who may manage whom) is the API's.

import { ApiError, call, get, post } from './api.js';
import { kAccountStates, kRoles, provinceName } from './labels.js';
import { clear, el, errorNotice, formatDateTime, notice, startPage } from './shell.js';
import { showSecret } from './secret.js';

const messages = document.getElementById('messages');
const secretNode = document.getElementById('secret');
const accountsNode = document.getElementById('accounts');
const createNode = document.getElementById('create');
const tokensNode = document.getElementById('tokens');

let me = null;

const kPasswordWarning = '此密码只显示这一次，离开或刷新本页后无法再次查看。请当面或通过安全渠道交给本人；对方首次登录时须修改密码。';
const kTokenWarning = '此令牌只显示这一次，离开或刷新本页后无法再次查看。请立即存入脚本的配置中，像密码一样保管。';

// 锁定 while a lock lasts, whatever the stored state says.
function stateOf(account) {
  if (account.state === 'locked') return 'locked';
  if (account.locked_until && new Date(account.locked_until).getTime() > Date.now()) return 'locked';
  return account.state;
}

function scopeText(a) {
  if (a.role === 'unit') return [a.unit_name, a.unit ? `（${a.unit}）` : ''].join('');
  if (a.role === 'province') return provinceName(a.province);
  // An expert: the organisation they work at (the API recuses them from its candidates),
  // and the unit they belong to, if any.
  if (a.role === 'expert') return [a.organisation || '', a.unit_name || a.unit ? `（${a.unit_name || a.unit}）` : ''].join('');
  return '全国';
}

function showPassword(account, initialPassword) {
  showSecret(secretNode, {
    id: 'initial-password',
    title: `账户 ${account.username}（${account.display_name || ''}）的初始密码：`,
    value: initialPassword,
    warning: kPasswordWarning,
  });
}

// One action of a row: calls the API, then shows what it answered and reloads the list.
function action(label, run, { danger = false } = {}) {
  const button = el('button', { type: 'button', class: danger ? 'danger' : false }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const said = await run();
      await loadAccounts();
      if (said) clear(messages, notice('ok', said));
    } catch (error) {
      button.disabled = false;
      clear(messages, errorNotice(error));
    }
  });
  return button;
}

function accountActions(a) {
  const path = (what) => `accounts/${encodeURIComponent(a.id)}/${what}`;
  const state = stateOf(a);
  return el('div', { class: 'row actions-cell' },
    state === 'disabled'
      ? action('启用', async () => { await post(path('enable')); return `已启用 ${a.username}。`; })
      : action('停用', async () => { await post(path('disable')); return `已停用 ${a.username}，其登录已全部结束。`; },
        { danger: true }),
    action('重置密码', async () => {
      const answer = await post(path('reset'));
      showPassword(answer.account || a, answer.initial_password);
      return '';
    }),
    state === 'locked' ? action('解锁', async () => { await post(path('unlock')); return `已解锁 ${a.username}。`; }) : null,
    action('结束全部会话', async () => {
      const answer = await call('DELETE', path('sessions'));
      return `已结束 ${a.username} 的 ${answer && answer.ended !== undefined ? answer.ended : 0} 个会话。`;
    }));
}

function accountsTable(items) {
  if (!items.length) return el('p', { class: 'muted', id: 'accounts-empty' }, '还没有账户。');
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'account-list' },
    el('thead', {}, el('tr', {}, ['用户名', '显示名', '角色', '范围', '状态', '最近登录', '操作']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, items.map((a) => {
      const state = stateOf(a);
      return el('tr', { dataset: { username: a.username, state } },
        el('td', {}, a.username),
        el('td', {}, a.display_name || ''),
        el('td', {}, kRoles[a.role] || a.role),
        el('td', {}, scopeText(a)),
        el('td', {}, el('span', { class: `tag ${state === 'active' ? 'ok' : 'bad'}` }, kAccountStates[state] || state),
          a.must_change_password ? el('span', { class: 'tag warn' }, '待改初始密码') : null,
          state === 'locked' && a.locked_until ? el('div', { class: 'hint' }, `至 ${formatDateTime(a.locked_until)}`) : null),
        el('td', {}, a.last_sign_in_at ? formatDateTime(a.last_sign_in_at) : el('span', { class: 'muted' }, '从未登录')),
        el('td', {}, accountActions(a)));
    }))));
}

async function loadAccounts() {
  const answer = await get('accounts');
  clear(accountsNode, el('h2', {}, `账户（${answer.total ?? answer.items.length} 个）`),
    me.role === 'province' ? el('p', { class: 'hint' }, '省级科协管理本省推荐单位的账户。') : null,
    accountsTable(answer.items));
}

// The units the caller may open accounts for, as choices for the unit code (the API's
// own list, scoped to the caller); the form works without it too.
async function unitChoices() {
  try {
    const answer = await get('units');
    return el('datalist', { id: 'unit-choices' },
      answer.items.map((u) => el('option', { value: u.code }, `${u.name}${u.province ? `（${provinceName(u.province)}）` : ''}`)));
  } catch {
    return null;
  }
}

async function renderCreate() {
  const staff = me.role === 'staff';
  const username = el('input', { type: 'text', name: 'username', required: true, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'none', pattern: '[a-z0-9._\\-]{3,32}', placeholder: '3–32 位小写字母、数字、. _ -' });
  const displayName = el('input', { type: 'text', name: 'display_name', required: true, autocomplete: 'off',
    placeholder: '使用者的真实姓名' });
  const role = el('select', { name: 'role', disabled: !staff },
    staff ? ['unit', 'province', 'expert', 'staff'].map((r) => el('option', { value: r }, kRoles[r]))
      : el('option', { value: 'unit' }, kRoles.unit));
  const province = el('input', { type: 'text', name: 'province', inputmode: 'numeric', maxlength: 2, autocomplete: 'off',
    placeholder: '两位代码，如 11' });
  const unit = el('input', { type: 'text', name: 'unit', list: 'unit-choices', autocomplete: 'off', spellcheck: 'false',
    placeholder: '单位代码' });
  const organisation = el('input', { type: 'text', name: 'organisation', autocomplete: 'off',
    placeholder: '评审专家的工作单位，如 广西大学' });
  const provinceLabel = el('label', {}, '省份代码', province);
  const unitLabel = el('label', {}, '单位代码', unit);
  const unitHint = el('span', { class: 'hint' }, '评审专家：所属推荐单位（可不填）');
  unitLabel.append(unitHint);
  const organisationLabel = el('label', {}, '工作单位', organisation);
  const result = el('div', { class: 'wide', id: 'create-result', 'aria-live': 'polite' });
  const showScope = () => {
    provinceLabel.hidden = role.value !== 'province';
    unitLabel.hidden = role.value !== 'unit' && role.value !== 'expert';
    unitHint.hidden = role.value !== 'expert';
    organisationLabel.hidden = role.value !== 'expert';
    organisation.required = role.value === 'expert';
  };
  role.addEventListener('change', showScope);
  showScope();
  const form = el('form', { class: 'grid-form', id: 'create-form', autocomplete: 'off' },
    el('label', {}, '用户名', username),
    el('label', {}, '显示名', displayName),
    el('label', {}, '角色', role),
    provinceLabel,
    organisationLabel,
    unitLabel,
    await unitChoices(),
    el('div', { class: 'row wide' }, el('button', { type: 'submit', class: 'primary' }, '开设账户')),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { username: username.value.trim(), display_name: displayName.value.trim(), role: role.value };
    if (role.value === 'province') body.province = province.value.trim();
    if (role.value === 'unit') body.unit = unit.value.trim();
    if (role.value === 'expert') {
      body.organisation = organisation.value.trim();
      if (unit.value.trim()) body.unit = unit.value.trim();
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    clear(result);
    try {
      const answer = await post('accounts', body);
      showPassword(answer.account, answer.initial_password);
      form.reset();
      showScope();
      clear(result, notice('ok', `已开设账户 ${answer.account.username}。`));
      await loadAccounts();
    } catch (error) {
      clear(result, errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  clear(createNode, el('h2', {}, '开设账户'),
    el('p', { class: 'hint' }, staff
      ? '工作人员可以开设各类账户；省级科协账户填省份代码，推荐单位账户填单位代码，评审专家账户填工作单位（评审时据此回避本单位的候选人）。'
      : '省级科协可以为本省的推荐单位开设账户。'),
    form);
}

function tokenScope(t) {
  if (t.role === 'unit') return t.unit || '';
  if (t.role === 'province') return provinceName(t.province);
  return '全国';
}

function tokensTable(items) {
  if (!items.length) return el('p', { class: 'muted', id: 'tokens-empty' }, '还没有令牌。');
  const showOwner = items.some((t) => t.created_by || t.account);
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'token-list' },
    el('thead', {}, el('tr', {}, ['说明', '角色', '范围', showOwner ? '创建者' : null, '到期', '']
      .filter((h) => h !== null).map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, items.map((t) => {
      const revoked = Boolean(t.revoked || t.revoked_at);
      return el('tr', { dataset: { id: t.id, label: t.label || '' } },
        el('td', {}, t.label || ''),
        el('td', {}, kRoles[t.role] || t.role || ''),
        el('td', {}, tokenScope(t)),
        // A token of no account was made on the command line (`talentpool token`).
        showOwner ? el('td', {}, t.account || t.created_by || el('span', { class: 'muted' }, '命令行')) : null,
        el('td', {}, t.expires_at ? formatDateTime(t.expires_at) : ''),
        el('td', {}, revoked ? el('span', { class: 'tag bad' }, '已吊销') : el('button', {
          type: 'button', class: 'danger',
          onclick: async (event) => {
            event.target.disabled = true;
            try {
              await call('DELETE', `tokens/${encodeURIComponent(t.id)}`);
              clear(messages, notice('ok', `已吊销令牌「${t.label || t.id}」。`));
              await loadTokens();
            } catch (error) {
              event.target.disabled = false;
              clear(messages, errorNotice(error));
            }
          },
        }, '吊销')));
    }))));
}

async function loadTokens() {
  const list = el('div', { id: 'tokens-list' });
  try {
    const answer = await get('tokens');
    clear(list, tokensTable(Array.isArray(answer) ? answer : answer.items || []));
  } catch (error) {
    clear(list, errorNotice(error));
  }
  const existing = document.getElementById('tokens-list');
  if (existing) existing.replaceWith(list);
  return list;
}

async function renderTokens() {
  const label = el('input', { type: 'text', name: 'label', required: true, maxlength: 64, autocomplete: 'off',
    placeholder: '如 每晚导出脚本' });
  const days = el('input', { type: 'number', name: 'expires_in_days', min: 1, max: 365, value: 90, required: true });
  const result = el('div', { class: 'wide', id: 'token-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'grid-form', id: 'token-form', autocomplete: 'off' },
    el('label', {}, '用途说明', label),
    el('label', {}, '有效天数（1–365）', days),
    el('div', { class: 'row wide' }, el('button', { type: 'submit', class: 'primary' }, '创建令牌')),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    clear(result);
    try {
      const answer = await post('tokens', { label: label.value.trim(), expires_in_days: Number(days.value) });
      showSecret(secretNode, {
        id: 'new-token', title: `令牌「${answer.label}」（${formatDateTime(answer.expires_at)} 到期）：`,
        value: answer.token, warning: kTokenWarning,
      });
      form.reset();
      await loadTokens();
    } catch (error) {
      clear(result, errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  clear(tokensNode, el('h2', {}, 'API 令牌'),
    el('p', { class: 'hint' }, '脚本调用接口时用令牌（Authorization: Bearer）。令牌的角色和范围与您的账户相同；不再使用的令牌请及时吊销。'),
    form, el('h3', {}, me.role === 'staff' ? '全部令牌' : '我的令牌'), await loadTokens());
}

async function main() {
  me = await startPage({ roles: ['staff', 'province'] });
  try {
    await loadAccounts();
  } catch (error) {
    clear(accountsNode, errorNotice(error));
  }
  await renderCreate();
  await renderTokens();
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  if (!(error instanceof ApiError)) clear(messages, errorNotice(error));
});
