// Staff import of a pool file (POST /api/v1/imports), the same as the command line's
// import: the upload's progress, then the report with every rejected row by row number,
// field and reason. The good rows load even when some are rejected. Beside it, the full
// export (GET /api/v1/persons/export.xlsx) that imports back as an update of its edited cells.

import { call, upload } from './api.js';
import { clear, el, errorNotice, notice, saveDownload, startPage } from './shell.js';

const form = document.getElementById('import-form');
const progress = document.getElementById('import-progress');
const result = document.getElementById('import-result');

// Rows without 编号 and 身份证号 that may be people already in the registry: each with a
// choice (one of its candidates, another person, or left for later), and a button that imports
// the same file again with the choices made.
function heldRows(r, file) {
  const rows = r.held.map((h) => {
    const name = `held-${h.file || ''}-${h.row}`;
    const choice = (value, label, checked = false) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name, value, checked }), ` ${label}`);
    const who = (p) => [p.name, p.birth_date, p.unit].filter(Boolean).join('，');
    return el('tr', { dataset: { row: String(h.row) } },
      ...(h.file ? [el('td', {}, h.file)] : []),
      el('td', {}, `第${h.row}行`),
      el('td', {}, who(h)),
      el('td', {},
        ...h.candidates.map((c) => choice(`same:${c.id}`, `是在库的 ${c.id}（${who(c)}）`)),
        choice('new', '是另一人，新增'),
        choice('', '暂不处理', true)));
  });
  const files = r.held.some((h) => h.file);
  const table = el('table', { class: 'list', id: 'import-held' },
    el('thead', {}, el('tr', {}, [...(files ? ['文件'] : []), '行号', '表中人员', '确认'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
  const parts = [notice('warning', `${r.held.length} 行没有编号和身份证号，可能是已在库的人员，暂未导入：请逐行确认。`),
    el('div', { class: 'table-wrap' }, table)];
  if (files) {
    // Row numbers name rows of one file: an archive's rows are confirmed by filling in 编号.
    parts.push(el('p', { class: 'hint' }, '压缩包中的行请在对应文件中填写编号（同一人）后再导入。'));
    return parts;
  }
  const again = el('button', { type: 'button', class: 'primary', id: 'import-confirm' }, '按所选确认并再次导入');
  again.addEventListener('click', () => {
    const same = [];
    const fresh = [];
    for (const tr of table.querySelectorAll('tbody tr')) {
      const picked = tr.querySelector('input[type="radio"]:checked');
      if (!picked || !picked.value) continue;
      if (picked.value === 'new') fresh.push(tr.dataset.row);
      else same.push(`${tr.dataset.row}:${picked.value.slice('same:'.length)}`);
    }
    if (!same.length && !fresh.length) return;
    runImport(file, { same: same.join(','), new: fresh.join(',') });
  });
  parts.push(el('div', { class: 'row' }, again));
  return parts;
}

function report(r, file) {
  const held = r.held ? r.held.length : 0;
  const parts = [notice(r.rejected || held ? 'warning' : 'ok',
    `导入 ${r.imported} 人（新增 ${r.inserted}，更新 ${r.updated}，未变 ${r.unchanged}），未通过 ${r.rejected} 行` +
    (held ? `，待确认 ${held} 行。` : '。'))];
  if (r.unused_confirmations && r.unused_confirmations.length) {
    parts.push(notice('info', `以下行已不在待确认之列，所作确认未使用：${r.unused_confirmations.map((n) => `第${n}行`).join('、')}`));
  }
  if (held) parts.push(...heldRows(r, file));
  if (r.ignored_columns && r.ignored_columns.length) {
    parts.push(notice('info', `未识别的列（已忽略）：${r.ignored_columns.join('、')}`));
  }
  if (r.errors.length) {
    // A zip's problems name their file; a file that could not be read at all has no row.
    const files = r.errors.some((e) => e.file);
    const heads = [...(files ? ['文件'] : []), '行号', '字段', '问题'];
    parts.push(el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'import-errors' },
      el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, r.errors.map((e) => el('tr', {},
        ...(files ? [el('td', {}, e.file || '')] : []),
        el('td', {}, e.row ? `第${e.row}行` : '—'), el('td', {}, e.field), el('td', {}, e.message)))))));
  }
  return parts;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const file = form.file.files[0];
  if (file) runImport(file);
});

// Uploads `file`, with the confirmations of held rows when given, and shows the report.
async function runImport(file, confirmations = {}) {
  const button = form.querySelector('button');
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  clear(result, el('p', { class: 'muted' }, `正在上传「${file.name}」……`));
  try {
    const answer = await upload('imports', file, {
      params: { filename: file.name, ...confirmations },
      onProgress: (share) => {
        progress.value = share;
        // The server validates and writes once the file is in: that takes a while too.
        if (share >= 1) {
          progress.removeAttribute('value');
          clear(result, el('p', { class: 'muted' }, '已上传，正在逐行校验并写入……'));
        }
      },
    });
    clear(result, report(answer, file));
  } catch (error) {
    clear(result, errorNotice(error));
  } finally {
    progress.hidden = true;
    button.disabled = false;
  }
}

const exportButton = document.getElementById('export-persons');
const exportResult = document.getElementById('export-result');
exportButton.addEventListener('click', async () => {
  exportButton.disabled = true;
  clear(exportResult, el('p', { class: 'muted' }, '正在生成……'));
  try {
    const response = await call('GET', 'persons/export.xlsx', { raw: true });
    const name = await saveDownload(response, 'persons.xlsx');
    clear(exportResult, notice('ok', `已下载「${name}」。`));
  } catch (error) {
    clear(exportResult, errorNotice(error));
  } finally {
    exportButton.disabled = false;
  }
});

await startPage({ roles: ['staff'] });
document.body.dataset.ready = 'true';
