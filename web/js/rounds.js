// Choosing the recommendation round a unit's page works in (the portal, the invitations):
// ?round=CODE, else the first round open now; and a picker that reloads the page for another.

import { call, get } from './api.js';
import { clear, el, errorNotice, notice, saveDownload } from './shell.js';

// The rounds and the one chosen. When there is none (or the rounds cannot be read) `node`
// says why (`noneMessage` for no open round) and `round` is null. `choices` are the rounds to
// offer: the open ones, or all when none is open.
export async function chooseRound(node, noneMessage) {
  let rounds;
  try {
    rounds = (await get('rounds')).items;
  } catch (error) {
    clear(node, errorNotice(error));
    return { round: null, choices: [] };
  }
  const open = rounds.filter((r) => r.open);
  const wanted = new URLSearchParams(location.search).get('round');
  const round = rounds.find((r) => r.code === wanted) || open[0] || null;
  if (!round) clear(node, el('h2', {}, '当前推荐批次'), notice('info', noneMessage));
  return { round, choices: open.length ? open : rounds };
}

// A select of `choices` with `current` chosen; picking another reloads the page on it. Null
// when there is nothing to choose between.
export function roundPicker(choices, current) {
  if (choices.length < 2) return null;
  const select = el('select', { id: 'round-picker', 'aria-label': '推荐批次' },
    choices.map((r) => el('option', { value: r.code, selected: r.code === current.code },
      `${r.title}${r.open ? '（进行中）' : ''}`)));
  select.addEventListener('change', () => {
    const next = new URLSearchParams(location.search);
    next.set('round', select.value);
    location.search = next.toString();
  });
  return el('label', { class: 'row' }, '推荐批次：', select);
}

// Buttons that download a unit's list in `round` as the 推荐学员汇总表 to stamp and send: Word
// and PDF (GET rounds/{code}/summary.docx|pdf, the people as submitted), and the same list as an
// Excel sheet (GET rounds/{code}/export.xlsx, which units may ask for their own). `unitCode` is the unit
// for staff and provinces; empty for a unit's own list. Errors go to `messages`.
export function summaryDownloads(round, unitCode, messages) {
  const params = unitCode ? { unit: unitCode } : {};
  const button = (format, label, path = `summary.${format}`, fallback = `推荐学员汇总表-${round.code}.${format}`) => {
    const b = el('button', { type: 'button', id: `summary-${format}` }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const response = await call('GET', `rounds/${encodeURIComponent(round.code)}/${path}`,
          { params, raw: true });
        await saveDownload(response, fallback);
        clear(messages);
      } catch (error) {
        clear(messages, errorNotice(error));
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  // An honour round's photos and scans, in the folders units keep them in (姓名/姓名1.jpg).
  const honour = Boolean(round.campaign && round.campaign.kind === 'honour');
  return el('div', { class: 'row', id: 'summary-downloads' },
    button('docx', '下载推荐学员汇总表（Word）'), button('pdf', '下载推荐学员汇总表（PDF）'),
    button('xlsx', '下载推荐学员汇总表（Excel）', 'export.xlsx'),
    honour ? button('zip', '下载附件（zip）', 'attachments.zip', `附件-${round.code}.zip`) : null,
    el('span', { class: 'hint' }, '列出已报送的人员，打印盖章后报送'));
}
