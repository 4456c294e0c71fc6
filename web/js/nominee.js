// The page a nominee opens from the unit's invitation (nominee.html#invite=TOKEN), with no
// account: the token is the only credential and the only thing it opens is this person's
// own form (GET/PUT /api/v1/nominee/form, POST /api/v1/nominee/submit, header
// X-Invitation) and their own photos and scans (/api/v1/nominee/attachments). The token is taken out of the address bar at once (so it stays out of
// history, bookmarks and screenshots) and kept only in memory and this tab's
// sessionStorage (so a reload still works). No cookie or stored sign-in is ever sent.
// In an honour round the form also holds the person's own part of the 推荐表 (form.honour: the
// 推荐组别 tick and the boxes the nominee fills, with live counters); the unit's boxes and
// opinions are not shown.

import { ApiError, call } from './api.js';
import { clear, el, errorNotice, formatDateTime, notice } from './shell.js';
import { formFields } from './form_fields.js';
import { honourBoxes } from './honour_boxes.js';
import { nomineeAttachmentsSection } from './attachments.js';

const kInviteKey = 'talentpool.invite';
const messages = document.getElementById('messages');
const about = document.getElementById('about');
const formNode = document.getElementById('form');

function takeToken() {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromLink = hash.get('invite');
  if (fromLink) {
    sessionStorage.setItem(kInviteKey, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
    return fromLink;
  }
  return sessionStorage.getItem(kInviteKey) || '';
}

const token = takeToken();

// The link opened again in a tab already showing this page changes only the fragment:
// no new page is loaded, so the page starts again from the token the link carries.
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.replace(/^#/, '')).get('invite')) {
    takeToken();
    location.reload();
  }
});

const nominee = (method, path, body) => call(method, `nominee/${path}`, {
  body, anonymous: true, headers: { 'X-Invitation': token },
});

function unitName(unit) {
  if (!unit) return '';
  return typeof unit === 'object' ? unit.name || unit.code || '' : String(unit);
}

function showAbout(form) {
  clear(about,
    el('p', { class: 'greeting' }, `${form.name || ''}：您好！`),
    el('dl', { class: 'facts', id: 'invitation-facts' },
      el('dt', {}, '推荐批次'), el('dd', { id: 'round-title' }, form.round ? form.round.title || form.round.code : ''),
      el('dt', {}, '推荐单位'), el('dd', { id: 'unit-name' }, unitName(form.unit)),
      el('dt', {}, '链接有效期至'), el('dd', { id: 'expires-at' }, `${formatDateTime(form.expires_at)}（北京时间）`)),
    el('p', { class: 'hint' }, '请如实填写本人情况，带 * 的为必填项。可以先保存草稿，稍后用同一链接继续填写；提交后由推荐单位审核。'));
  about.hidden = false;
}

function thanks() {
  sessionStorage.removeItem(kInviteKey);
  about.hidden = true;
  formNode.hidden = true;
  clear(formNode);
  clear(about);
  clear(messages, el('div', { class: 'card thanks', id: 'thanks' },
    el('h2', {}, '已提交，谢谢您！'),
    el('p', {}, '您的学员情况表已交给推荐单位审核。如需修改，推荐单位会退回并告知原因，届时请用同一链接重新打开。'),
    el('p', { class: 'hint' }, '现在可以关闭此页面。')));
  document.title = '已提交 · 科技界党外代表人士库';
}

// The 推荐表 part: 推荐组别 as one tick among the rule set's, then the nominee's boxes.
function honourPart(part) {
  const ticks = part.groups.map((group) => {
    const input = el('input', { type: 'radio', name: 'honour-group', value: group });
    input.checked = part.group === group;
    return el('label', { class: 'tick' }, input, group);
  });
  const boxes = honourBoxes(part.spec.fields, part.values, true);
  const node = el('fieldset', { class: 'honour-part', id: 'honour-part' },
    el('legend', {}, `${part.spec.title}（本人填写部分）`),
    el('p', { class: 'hint' }, '以下栏目由您本人填写；所在单位意见、推荐单位意见由单位填写并盖章。'),
    el('fieldset', { class: 'field', dataset: { key: '推荐组别' } },
      el('legend', {}, '推荐组别', part.group_required ? el('span', { class: 'required' }, ' *') : null), ticks),
    boxes.nodes);
  const read = () => {
    const ticked = node.querySelector('input[name="honour-group"]:checked');
    return { honour_form: boxes.collect(), group: ticked ? ticked.value : null };
  };
  return { node, read };
}

const advice = (saved) => {
  const warnings = (saved.honour && saved.honour.warnings) || [];
  return warnings.length ? notice('info', '提示：', warnings.map((w) => ({ message: w.message }))) : null;
};

function render(form, { showErrors }) {
  showAbout(form);
  const fields = formFields(form.fields || [], form.values || {}, { idPrefix: 'field' });
  const honour = form.honour ? honourPart(form.honour) : null;
  const body = () => ({ values: fields.values(), ...(honour ? honour.read() : {}) });
  const status = el('div', { id: 'form-status', 'aria-live': 'polite' });
  const save = el('button', { type: 'button', id: 'save' }, '保存草稿');
  const submit = el('button', { type: 'submit', class: 'primary', id: 'submit' }, '提交');
  const node = el('form', { id: 'nominee-form', class: 'card stack-form', novalidate: true, autocomplete: 'on' },
    fields.node, honour ? honour.node : null, status, el('div', { class: 'row form-buttons' }, save, submit));
  const listErrors = (errors) => {
    const rest = fields.showErrors(errors);
    return rest.length ? notice('error', '还有以下问题：', rest) : null;
  };
  const busy = (on) => { save.disabled = on; submit.disabled = on; };

  save.addEventListener('click', async () => {
    busy(true);
    clear(status, el('p', { class: 'muted' }, '正在保存……'));
    try {
      const saved = await nominee('PUT', 'form', body());
      const errors = saved.errors || [];
      clear(status, notice('ok', errors.length ? `草稿已保存。提交前还需处理 ${errors.length} 处问题（见各项下方）。` : '草稿已保存。'),
        listErrors(errors), advice(saved));
    } catch (error) {
      clear(status, errorNotice(error));
    } finally {
      busy(false);
    }
  });

  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    busy(true);
    clear(status, el('p', { class: 'muted' }, '正在提交……'));
    try {
      // What is on screen is saved first: submitting sends what was saved, and the server
      // answers 400 naming each field still in error.
      await nominee('PUT', 'form', body());
      await nominee('POST', 'submit');
      thanks();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.details.length) {
        clear(status, notice('error', error.message || '还有需要修改的地方，请看各项下方的说明。'), listErrors(error.details));
        fields.focusFirstError();
      } else {
        clear(status, errorNotice(error));
      }
    } finally {
      busy(false);
    }
  });

  clear(formNode, node);
  formNode.hidden = false;
  if (form.state === 'returned') {
    clear(messages, notice('warning', `推荐单位退回了您的表格，请修改后重新提交。${form.reason ? `退回原因：${form.reason}` : ''}`));
    messages.querySelector('.notice').id = 'returned-reason';
  }
  if (showErrors) listErrors(form.errors || []);
}

async function main() {
  if (!token) {
    clear(messages, notice('error', '没有找到邀请。请用推荐单位发给您的完整链接（或扫描邀请函上的二维码）打开此页。'));
    return;
  }
  let form;
  try {
    form = await nominee('GET', 'form');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
      clear(messages, notice('error', error.message), el('p', { class: 'hint' },
        '如有疑问，请联系推荐您的单位。'));
    } else {
      clear(messages, errorNotice(error));
    }
    document.body.dataset.ready = 'true';
    return;
  }
  // A returned form, or a draft begun (more than the name and contact the unit gave), shows
  // what still needs doing; a fresh one does not greet the person with errors.
  const fromUnit = new Set(['name', 'phone', 'email']);
  const begun = form.state === 'returned' || Object.entries(form.values || {}).some(([key, v]) =>
    !fromUnit.has(key) && v !== null && v !== '');
  render(form, { showErrors: begun });
  // Photos and scans: the person's own once the unit takes the form into its list.
  formNode.insertAdjacentElement('afterend', nomineeAttachmentsSection(token));
  document.body.dataset.ready = 'true';
}

main().catch((error) => clear(messages, errorNotice(error)));
