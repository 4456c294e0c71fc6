// A unit invites the people it recommends to fill in their own 学员情况表 (staff reach the
// same page for a unit with ?unit=CODE): in a round open to the unit, an invitation by
// name and mobile or e-mail answers a one-time link, shown once: copied, or printed on a
// slip with its QR code. The list shows each invitation's state; one submitted is
// reviewed here: its fields edited, returned to the nominee with a reason, or accepted
// onto the unit's list of the round. Only the link's hash is stored, so a link can be
// copied or printed while this page still holds it (until it is left or reloaded).

import { ApiError, call, get, post, put } from './api.js';
import { kInvitationStates } from './labels.js';
import { chooseRound, roundPicker } from './rounds.js';
import { clear, el, errorNotice, formatDateTime, notice, startPage } from './shell.js';
import { formFields } from './form_fields.js';
import { copyButton, showSecret } from './secret.js';

const params = new URLSearchParams(location.search);
const messages = document.getElementById('messages');
const roundNode = document.getElementById('round');
const inviteNode = document.getElementById('invite');
const newLinkNode = document.getElementById('new-link');
const slipNode = document.getElementById('slip');
const listNode = document.getElementById('list');
const reviewNode = document.getElementById('review');

let me = null;
let unitCode = '';    // for staff acting for a unit
let round = null;
let submission = null;
let invitations = [];
// The links made while this page is open, by invitation id: the server keeps only hashes.
const links = new Map();

const withUnit = (more = {}) => (unitCode ? { unit: unitCode, ...more } : more);
const roundPath = (more = '') => `rounds/${encodeURIComponent(round.code)}${more}`;

function unitName() {
  const u = submission && submission.unit;
  if (u && u.name) return u.name;
  if (me.role === 'unit' && me.unit) return me.unit.name || me.unit.code;
  return unitCode;
}

// The QR code of `text` as an SVG built in code (one path of dark modules), or null when
// the library was not installed (vendor/ missing): the slip then shows the address alone.
async function qrSvg(text) {
  let qrcode;
  try {
    qrcode = (await import('../vendor/qrcode.mjs')).default;
  } catch {
    return null;
  }
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const quiet = 4;
  let d = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.isDark(row, col)) d += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const size = n + 2 * quiet;
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', '邀请链接的二维码');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.dataset.text = text;
  const ground = document.createElementNS(ns, 'rect');
  ground.setAttribute('width', String(size));
  ground.setAttribute('height', String(size));
  ground.setAttribute('fill', '#fff');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(ground, path);
  return svg;
}

// The printable slip of an invitation: what it is for, the QR code and the address. Print
// shows only the slip (see @media print in site.css).
async function showSlip(invitation, link) {
  const svg = await qrSvg(link);
  clear(slipNode,
    el('div', { class: 'row no-print slip-tools' },
      el('strong', {}, '邀请函预览'),
      el('button', { type: 'button', class: 'primary', onclick: () => window.print() }, '打印邀请函'),
      el('button', { type: 'button', onclick: hideSlip }, '关闭')),
    el('article', { class: 'slip-body', id: 'slip-body' },
      el('h2', {}, '学员情况表填写邀请'),
      el('p', { class: 'slip-to' }, `${invitation.name} 同志：`),
      el('p', {}, `${unitName()}拟推荐您参加「${round.title}」。请用手机扫描下方二维码，或在浏览器中打开下面的地址，填写您本人的学员情况表。`),
      svg || el('p', { class: 'muted' }, '（二维码组件未安装，请使用下面的地址。）'),
      el('p', { class: 'slip-link' }, link),
      el('p', { class: 'hint' }, `链接有效期至 ${formatDateTime(invitation.expires_at)}（北京时间），只供您本人使用，请勿转发。`)));
  slipNode.hidden = false;
  document.body.dataset.slip = 'shown';
  slipNode.scrollIntoView({ block: 'nearest' });
}

function hideSlip() {
  slipNode.hidden = true;
  clear(slipNode);
  delete document.body.dataset.slip;
}

function inviteForm() {
  const name = el('input', { type: 'text', name: 'name', required: true, autocomplete: 'off' });
  const mobile = el('input', { type: 'tel', name: 'mobile', inputmode: 'tel', autocomplete: 'off', placeholder: '11 位手机号' });
  const email = el('input', { type: 'email', name: 'email', autocomplete: 'off' });
  const result = el('div', { class: 'wide', id: 'invite-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'grid-form', id: 'invite-form', autocomplete: 'off', novalidate: true },
    el('label', {}, '姓名', name),
    el('label', {}, '手机', mobile),
    el('label', {}, '电子邮箱', email),
    el('div', { class: 'row wide' }, el('button', { type: 'submit', class: 'primary' }, '发出邀请')),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim() };
    if (mobile.value.trim()) body.mobile = mobile.value.trim();
    if (email.value.trim()) body.email = email.value.trim();
    if (!body.name || (!body.mobile && !body.email)) {
      clear(result, notice('error', '请填写姓名，以及手机或电子邮箱中的至少一项。'));
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    clear(result);
    try {
      const answer = await post(roundPath('/invitations'), body, { params: withUnit() });
      const link = new URL(answer.link, document.baseURI).href;
      links.set(answer.invitation.id, link);
      form.reset();
      showNewLink(answer.invitation, link);
      await loadInvitations();
    } catch (error) {
      clear(result, errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function showNewLink(invitation, link) {
  const box = showSecret(newLinkNode, {
    id: 'invite-link',
    title: `已邀请 ${invitation.name}。填表链接：`,
    value: link,
    warning:
        '链接只在此刻显示：离开或刷新本页后无法再次查看（可用「换新链接」重新生成，原链接随之失效）。请复制后通过短信、邮件发给本人，或打印邀请函交给本人。',
  });
  box.querySelector('.secret-line').append(el('button', {
    type: 'button', onclick: () => showSlip(invitation, link),
  }, '邀请函（二维码）'));
}

function stateTag(state) {
  const good = state === 'accepted' || state === 'submitted';
  const bad = state === 'revoked' || state === 'expired' || state === 'returned';
  return el('span', { class: `tag${good ? ' ok' : bad ? ' bad' : ''}`, dataset: { state } }, kInvitationStates[state] || state);
}

function rowActions(inv) {
  const link = links.get(inv.id);
  const live = ['sent', 'opened', 'returned', 'submitted'].includes(inv.state);
  const parts = [];
  if (link && live) {
    parts.push(copyButton(link, null, '复制链接'));
    parts.push(el('button', { type: 'button', onclick: () => showSlip(inv, link) }, '邀请函'));
  }
  // A link this page no longer has (only its hash is kept): a new one replaces it.
  if (!link && ['sent', 'opened', 'returned'].includes(inv.state)) {
    parts.push(
        el('button', {
          type: 'button',
          onclick: async (event) => {
            event.target.disabled = true;
            try {
              const answer = await post(`invitations/${encodeURIComponent(inv.id)}/link`, {});
              const fresh = new URL(answer.link, document.baseURI).href;
              links.set(inv.id, fresh);
              showNewLink(answer.invitation, fresh);
              await loadInvitations();
            } catch (error) {
              event.target.disabled = false;
              clear(messages, errorNotice(error));
            }
          },
        },
           '换新链接'));
  }
  if (['submitted', 'returned', 'accepted'].includes(inv.state)) {
    parts.push(el('button', {
      type: 'button', class: inv.state === 'submitted' ? 'primary' : false, onclick: () => openReview(inv.id),
    }, inv.state === 'submitted' ? '审核' : '查看'));
  }
  if (live) {
    parts.push(el('button', {
      type: 'button', class: 'danger',
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await call('DELETE', `invitations/${encodeURIComponent(inv.id)}`);
          links.delete(inv.id);
          clear(messages, notice('ok', `已撤回对 ${inv.name} 的邀请，链接已失效。`));
          await loadInvitations();
        } catch (error) {
          event.target.disabled = false;
          clear(messages, errorNotice(error));
        }
      },
    }, '撤回'));
  }
  return el('div', { class: 'row actions-cell' }, parts);
}

function invitationsTable() {
  if (!invitations.length) return el('p', { class: 'muted', id: 'invitations-empty' }, '还没有发出邀请。');
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'invitation-list' },
    el('thead', {}, el('tr', {}, ['姓名', '联系方式', '状态', '发出时间', '有效期至', '操作']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, invitations.map((inv) => el('tr', { dataset: { id: inv.id, state: inv.state } },
      el('td', {}, inv.name),
      el('td', {}, inv.contact || ''),
      el('td', {}, stateTag(inv.state),
        inv.state === 'submitted' && inv.submitted_at ? el('div', { class: 'hint' }, `${formatDateTime(inv.submitted_at)} 提交`) : null,
        inv.state === 'returned' && inv.reason ? el('div', { class: 'hint' }, `退回原因：${inv.reason}`) : null),
      el('td', {}, formatDateTime(inv.created_at)),
      el('td', {}, formatDateTime(inv.expires_at)),
      el('td', {}, rowActions(inv)))))));
}

async function loadInvitations() {
  const answer = await get(roundPath('/invitations'), withUnit());
  invitations = answer.items || [];
  clear(listNode, el('h2', {}, `已发出的邀请（${answer.total ?? invitations.length} 人）`),
    el('p', { class: 'hint' }, '被邀请人提交后状态变为「已提交」：请审核，可修改、退回（写明原因）或纳入推荐名单。'),
    invitationsTable());
  listNode.hidden = false;
}

// The review of one invitation: the nominee's form, editable while it is submitted.
async function openReview(id) {
  let answer;
  try {
    answer = await get(`invitations/${encodeURIComponent(id)}`);
  } catch (error) {
    clear(messages, errorNotice(error));
    return;
  }
  renderReview(answer.invitation, answer.form || {});
}

function renderReview(inv, form) {
  const editable = inv.state === 'submitted';
  const fields = formFields(form.fields || [], form.values || {}, { idPrefix: 'review' });
  if (!editable) {
    for (const input of fields.node.querySelectorAll('input, select, textarea')) input.disabled = true;
  }
  const status = el('div', { id: 'review-status', 'aria-live': 'polite' });
  const close = el('button', { type: 'button', onclick: () => { reviewNode.hidden = true; clear(reviewNode); } }, '关闭');
  const parts = [
    el('div', { class: 'row review-head' }, el('h2', {}, `${inv.name} 的学员情况表`), stateTag(inv.state), close),
    inv.state === 'returned' && inv.reason ? notice('info', `已退回，原因：${inv.reason}。等待本人修改后重新提交。`) : null,
    inv.state === 'accepted' ? notice('ok', '已纳入本单位的推荐名单。', []) : null,
    el('form', { id: 'review-form', class: 'stack-form', novalidate: true }, fields.node),
    status,
  ];
  if (editable) {
    const save = el('button', { type: 'button', id: 'review-save' }, '保存修改');
    const accept = el('button', { type: 'button', class: 'primary', id: 'review-accept' }, '纳入推荐名单');
    const reason = el('textarea', { id: 'return-reason', rows: 2, placeholder: '如：出生日期与身份证不符，请核对' });
    const giveBack = el('button', { type: 'button', class: 'danger', id: 'review-return' }, '退回');
    const busy = (on) => { save.disabled = on; accept.disabled = on; giveBack.disabled = on; };
    save.addEventListener('click', async () => {
      busy(true);
      try {
        const saved = await put(`invitations/${encodeURIComponent(inv.id)}/form`, { values: fields.values() });
        const rest = fields.showErrors((saved.form && saved.form.errors) || []);
        clear(status, notice('ok', '修改已保存。'), rest.length ? notice('error', '还有以下问题：', rest) : null);
      } catch (error) {
        const rest = error instanceof ApiError ? fields.showErrors(error.details) : [];
        clear(status, error instanceof ApiError ? notice('error', error.message, rest) : errorNotice(error));
      } finally {
        busy(false);
      }
    });
    giveBack.addEventListener('click', async () => {
      const text = reason.value.trim();
      if (!text) {
        clear(status, notice('error', '请写明退回原因，被邀请人会看到它。'));
        reason.focus();
        return;
      }
      busy(true);
      try {
        await post(`invitations/${encodeURIComponent(inv.id)}/return`, { reason: text });
        reviewNode.hidden = true;
        clear(reviewNode);
        clear(messages, notice('ok', `已将 ${inv.name} 的表格退回，原链接重新生效 14 天。`));
        await loadInvitations();
      } catch (error) {
        clear(status, errorNotice(error));
        busy(false);
      }
    });
    accept.addEventListener('click', async () => {
      busy(true);
      try {
        await post(`invitations/${encodeURIComponent(inv.id)}/accept`);
        reviewNode.hidden = true;
        clear(reviewNode);
        clear(messages, el('div', { class: 'notice notice-ok', role: 'status', id: 'accepted' },
          el('p', {}, `已将 ${inv.name} 纳入本批次的推荐名单。`, ' ',
            el('a', { href: `portal.html?${new URLSearchParams(withUnit({ round: round.code }))}` }, '去推荐报送页查看'))));
        await loadInvitations();
      } catch (error) {
        const rest = error instanceof ApiError ? fields.showErrors(error.details) : [];
        clear(status, error instanceof ApiError ? notice('error', error.message, rest) : errorNotice(error));
        busy(false);
      }
    });
    parts.push(
      el('div', { class: 'row' }, save, accept),
      el('div', { class: 'return-box' }, el('label', { for: 'return-reason' }, '退回原因'), reason, giveBack));
  }
  clear(reviewNode, parts);
  reviewNode.hidden = false;
  fields.showErrors(form.errors || []);
  reviewNode.scrollIntoView({ block: 'start' });
}

function roundCard() {
  const w = (submission && submission.window) || {};
  return [
    el('h2', {}, round.title),
    w.deadline ? el('p', { class: 'deadline' }, '截止时间：', el('strong', {}, formatDateTime(w.deadline)), '（北京时间）') : null,
    el('p', { class: 'hint' }, '被邀请人无需账户：用链接打开手机页面，填写本人的学员情况表并提交；本单位审核后纳入推荐名单，与其他推荐人员一同报送。'),
  ];
}

async function main() {
  me = await startPage({ roles: ['unit', 'staff'] });
  unitCode = me.role === 'staff' ? params.get('unit') || '' : '';
  if (me.role === 'staff' && !unitCode) {
    clear(roundNode, notice('info', '工作人员请在地址后加 ?unit=单位代码，代一个单位邀请填表。'));
    return;
  }
  const chosen = await chooseRound(roundNode,
    '目前没有开放的推荐批次。批次开放后，可在此邀请被推荐人自己填写学员情况表。');
  round = chosen.round;
  if (!round) {
    document.body.dataset.ready = 'true';
    return;
  }
  try {
    submission = await get(roundPath('/submission'), withUnit());
  } catch (error) {
    clear(roundNode, errorNotice(error));
    return;
  }
  document.getElementById('unit-title').textContent = `${unitName() || ''} 邀请填表`.trim();
  const picker = roundPicker(chosen.choices, round);
  if (picker) messages.before(picker);
  clear(roundNode, roundCard());
  const openToUnit = submission.window ? submission.window.open : round.open;
  if (openToUnit) {
    clear(inviteNode, el('h2', {}, '邀请一位被推荐人'),
      el('p', { class: 'hint' }, '填写姓名和手机或电子邮箱。系统生成一个只供本人使用的链接，14 天内有效。'), inviteForm());
    inviteNode.hidden = false;
  } else {
    roundNode.append(notice('info', '本批次已截止，不能再发出邀请。'));
  }
  try {
    await loadInvitations();
  } catch (error) {
    clear(listNode, errorNotice(error));
    listNode.hidden = false;
  }
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  if (!(error instanceof ApiError)) clear(messages, errorNotice(error));
});
