// Staff import of a pool file (POST /api/v1/imports), the same as the command line's
// import: the upload's progress, then the report with every rejected row by row number,
// field and reason. The good rows load even when some are rejected. Beside it, the full
// export (GET /api/v1/persons/export.xlsx) that imports back as an update of its edited cells.

import { call, upload } from './api.js';
import { clear, el, errorNotice, notice, saveDownload, startPage } from './shell.js';

const form = document.getElementById('import-form');
const progress = document.getElementById('import-progress');
const result = document.getElementById('import-result');

function report(r) {
  const parts = [notice(r.rejected ? 'warning' : 'ok',
    `导入 ${r.imported} 人（新增 ${r.inserted}，更新 ${r.updated}，未变 ${r.unchanged}），未通过 ${r.rejected} 行。`)];
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

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = form.file.files[0];
  if (!file) return;
  const button = form.querySelector('button');
  button.disabled = true;
  progress.hidden = false;
  progress.value = 0;
  clear(result, el('p', { class: 'muted' }, `正在上传「${file.name}」……`));
  try {
    const answer = await upload('imports', file, {
      params: { filename: file.name },
      onProgress: (share) => {
        progress.value = share;
        // The server validates and writes once the file is in: that takes a while too.
        if (share >= 1) {
          progress.removeAttribute('value');
          clear(result, el('p', { class: 'muted' }, '已上传，正在逐行校验并写入……'));
        }
      },
    });
    clear(result, report(answer));
  } catch (error) {
    clear(result, errorNotice(error));
  } finally {
    progress.hidden = true;
    button.disabled = false;
  }
});

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
