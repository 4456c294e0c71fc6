// A person's attachments (/api/v1/persons/{id}/attachments): photos as thumbnails, PDFs with
// their page count, each with its warnings; per honour round, the kinds its notice still asks
// for; for staff and the recommending unit, an upload form and removal. A nominee's own page has
// the same section over /api/v1/nominee/attachments. The files come through the API with the
// caller's credentials (each opening by staff or a unit is recorded), never from a plain link.

import { call, get, upload } from './api.js';
import { clear, el, errorNotice, notice } from './shell.js';

const kMegabyte = 1024 * 1024;

function size(bytes) {
  return bytes >= kMegabyte ? `${(bytes / kMegabyte).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

// Where a section reads and writes: a person's attachments as staff or a unit, or a nominee's
// own through the invitation link's header.
function personSource(id) {
  const base = `persons/${encodeURIComponent(id)}/attachments`;
  return {
    list: (round) => get(base, round ? { round } : {}),
    upload: (file, params) => upload(base, file, { params }),
    remove: (attachment) => call('DELETE', `attachments/${attachment.id}`),
    content: (attachment) => call('GET', `attachments/${attachment.id}/content`, { raw: true }),
  };
}

export function nomineeSource(token) {
  const options = { anonymous: true, headers: { 'X-Invitation': token } };
  return {
    list: () => call('GET', 'nominee/attachments', options),
    upload: (file, params) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return call('POST', 'nominee/attachments', { ...options, params, body: form });
    },
    remove: (attachment) => call('DELETE', `nominee/attachments/${attachment.id}`, options),
    content: (attachment) =>
      call('GET', `nominee/attachments/${attachment.id}/content`, { ...options, raw: true }),
  };
}

// The file of an attachment as an object URL (the API wants the caller's credentials, which an
// <img src> would not carry).
async function objectUrl(source, attachment) {
  const response = await source.content(attachment);
  return URL.createObjectURL(await response.blob());
}

function preview(source, attachment) {
  if (!attachment.content_type.startsWith('image/')) {
    const open = el('button', { type: 'button', class: 'link' }, `PDF，${attachment.pages} 页`);
    open.addEventListener('click', async () => {
      const url = await objectUrl(source, attachment);
      const link = el('a', { href: url, download: attachment.filename });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    });
    return open;
  }
  const img = el('img', { class: 'thumbnail', alt: attachment.filename, loading: 'lazy' });
  objectUrl(source, attachment).then((url) => { img.src = url; }).catch(() => { img.alt = '（无法读取）'; });
  return img;
}

function describe(attachment) {
  const parts = [size(attachment.bytes)];
  if (attachment.width) parts.push(`${attachment.width}×${attachment.height}`);
  if (attachment.dpi) parts.push(`${attachment.dpi} dpi`);
  return parts.join('，');
}

// The attachments section of person `id`. `rounds` are the codes of the rounds the person is
// recommended in, `titles` their titles by code; `canWrite` shows upload and removal.
export function attachmentsSection(id, rounds, titles, canWrite) {
  return section(personSource(id), rounds, titles, canWrite);
}

// A nominee's own photos and scans, on the page of their invitation.
export function nomineeAttachmentsSection(token) {
  return section(nomineeSource(token), [], new Map(), true);
}

function section(source, rounds, titles, canWrite) {
  const list = el('div', { id: 'attachments-list' }, el('p', { class: 'muted' }, '正在读取……'));
  const missingNode = el('div', { id: 'attachments-missing' });
  const messages = el('div', { id: 'attachments-messages', 'aria-live': 'polite' });
  const form = el('form', { id: 'attachment-form', class: 'row', hidden: !canWrite });
  const node = el('section', { class: 'card no-print', id: 'attachments' },
    el('h2', {}, '附件（照片与盖章扫描件）'), missingNode, list, form, messages);

  async function reload() {
    try {
      const answer = await source.list();
      // A nominee's list says at once what the round asks; a person's, per round asked.
      const missing = answer.missing
        ? [{ code: '', missing: answer.missing }]
        : await Promise.all(rounds.map((code) => source.list(code)
            .then((r) => ({ code, missing: r.missing || [] }))));
      const lacking = missing.filter((m) => m.missing.length);
      clear(missingNode, lacking.map((m) => notice('warning',
          `${m.code ? titles.get(m.code) || m.code : '本次推荐'}还缺：` +
          m.missing.map((k) => `${k.label}（需 ${k.need} 份，已有 ${k.have} 份）`).join('、'))));
      const rows = answer.items.map((a) => el('tr', { dataset: { attachment: String(a.id) } },
          el('td', {}, preview(source, a)),
          el('td', {}, el('div', {}, a.kind_label), el('div', { class: 'muted' }, a.filename)),
          el('td', {}, a.round ? (titles.get(a.round) || a.round) : '本人材料'),
          el('td', {}, describe(a),
            ...a.warnings.map((w) => el('div', { class: 'warning-text' }, w))),
          el('td', {}, canWrite ? removeButton(a) : null)));
      clear(list, rows.length
        ? el('div', { class: 'table-wrap' }, el('table', { class: 'list' },
            el('thead', {}, el('tr', {}, ['文件', '种类', '属于', '情况', ''].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, rows)))
        : el('p', { class: 'muted' }, '还没有附件'));
      if (canWrite && !form.childElementCount) buildForm(answer.kinds);
    } catch (error) {
      clear(list, errorNotice(error));
    }
  }

  function removeButton(attachment) {
    return el('button', {
      type: 'button',
      onclick: async () => {
        if (!window.confirm(`删除「${attachment.filename}」？`)) return;
        try {
          await source.remove(attachment);
          clear(messages, notice('ok', `已删除「${attachment.filename}」`));
          await reload();
        } catch (error) {
          clear(messages, errorNotice(error));
        }
      },
    }, '删除');
  }

  function buildForm(kinds) {
    const kind = el('select', { name: 'kind', 'aria-label': '附件种类' },
      kinds.map((k) => el('option', { value: k.code }, k.label)));
    const round = el('select', { name: 'round', 'aria-label': '属于', hidden: !rounds.length },
      el('option', { value: '' }, '本人材料'),
      rounds.map((code) => el('option', { value: code }, titles.get(code) || code)));
    const file = el('input', { type: 'file', name: 'file', accept: '.jpg,.jpeg,.png,.pdf', required: true });
    const button = el('button', { type: 'submit', class: 'primary' }, '上传附件');
    form.append(el('label', {}, '种类 ', kind), rounds.length ? el('label', {}, '属于 ', round) : round,
      file, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const chosen = file.files[0];
      if (!chosen) return;
      button.disabled = true;
      clear(messages, el('p', { class: 'muted' }, `正在上传「${chosen.name}」……`));
      try {
        const made = await source.upload(chosen,
          { kind: kind.value, round: round.value, filename: chosen.name });
        clear(messages, made.warnings.length
          ? made.warnings.map((w) => notice('warning', `已保存「${made.filename}」，但${w}`))
          : notice('ok', `已保存「${made.filename}」`));
        form.reset();
        await reload();
      } catch (error) {
        clear(messages, errorNotice(error));
      } finally {
        button.disabled = false;
      }
    });
  }

  reload();
  return node;
}

// A recommendation's attachments in a review list's cell: small photos, each PDF's pages, and
// the kinds the round's notice still asks for.
export function attachmentsCell(id, round) {
  const node = el('div', { class: 'attachments-cell' }, el('span', { class: 'muted' }, '……'));
  const source = personSource(id);
  source.list(round).then((answer) => {
    const files = answer.items.map((a) => a.content_type.startsWith('image/')
      ? preview(source, a)
      : el('span', { class: 'tag' }, `${a.kind_label}（PDF ${a.pages} 页）`));
    const missing = (answer.missing || []).map((m) =>
      el('span', { class: 'tag bad' }, `缺${m.label}${m.need > 1 ? ` ${m.need - m.have} 份` : ''}`));
    clear(node, files.length || missing.length ? [...files, ...missing] : el('span', { class: 'muted' }, '—'));
  }).catch((error) => clear(node, errorNotice(error)));
  return node;
}
