// One recommendation's 推荐表 in an honour round (?id=RECOMMENDATION): the boxes its form has
// (the spec the server answers: limits, which are required), with live character counters for
// the long texts (主要事迹 about 1,500: advice outside 1,200–1,800), the stamped scans and photos
// it asks for, and the exclusions the data raises, each answered by confirming with a reason.
// Saved whole (PUT); the server's errors, missing boxes and advice are shown as it words them.

import { call, get, post, put, upload } from './api.js';
import { clear, el, errorNotice, notice, saveDownload, startPage } from './shell.js';
import { countCharacters, honourBoxes } from './honour_boxes.js';

const id = new URLSearchParams(location.search).get('id') || '';
const messages = document.getElementById('messages');
const personNode = document.getElementById('person');
const exclusionsNode = document.getElementById('exclusions');
const formNode = document.getElementById('form');
const attachmentsNode = document.getElementById('attachments');
const path = (tail = 'honour-form') => `recommendations/${encodeURIComponent(id)}/${tail}`;

let view = null;
let editable = false;
let boxes = null;  // the form's inputs (honour_boxes.js)

export { countCharacters };

function drawPerson() {
  const p = view.person;
  clear(personNode,
    el('dl', { class: 'facts' },
      el('dt', {}, '姓名'), el('dd', {}, p.name),
      el('dt', {}, '工作单位及职务'), el('dd', {}, [p.unit, p.post].filter(Boolean).join('　')),
      el('dt', {}, '专业技术职务'), el('dd', {}, p.title || ''),
      view.group ? [el('dt', {}, '推荐组别'), el('dd', {}, view.group)] : null,
      el('dt', {}, view.spec.opinion_label), el('dd', {}, view.opinion || '（未填写）')));
  personNode.hidden = false;
}

function drawExclusions() {
  if (!view.exclusions.length) {
    exclusionsNode.hidden = true;
    return;
  }
  clear(exclusionsNode, el('h2', {}, '排除条件核查'), view.exclusions.map((c) => {
    const noteInput = el('input', { type: 'text', name: 'note', placeholder: '说明理由' });
    const confirm = async () => {
      try {
        view = await post(path('exclusions'), { check: c.check, answer: 'confirm', note: noteInput.value });
        draw(notice('ok', '已记录确认'));
      } catch (error) {
        clear(messages, errorNotice(error));
      }
    };
    return el('div', { class: `notice ${c.open ? 'notice-warning' : 'notice-ok'}`, dataset: { check: c.check } },
      el('p', {}, el('strong', {}, c.rule), '：', c.message),
      c.answer ? el('p', {}, `已${c.answer === 'confirm' ? '确认' : '更正'}：${c.note || ''}（${c.answered_by || ''}）`) : null,
      editable && c.open && c.confirmable ? el('p', {}, noteInput, el('button', { type: 'button', onclick: confirm }, '确认仍符合条件')) : null);
  }));
  exclusionsNode.hidden = false;
}

function drawAttachments() {
  const rows = view.spec.attachments.map((a) => {
    const have = view.attachments.filter((f) => f.kind === a.kind);
    const input = el('input', { type: 'file', accept: a.kind.includes('photo') ? 'image/jpeg,image/png' : 'application/pdf' });
    const send = async () => {
      if (!input.files.length) return;
      try {
        await upload(`persons/${encodeURIComponent(view.person.id)}/attachments`, input.files[0],
          { params: { kind: a.kind, round: view.round, filename: input.files[0].name } });
        view = await get(path());
        draw(notice('ok', `已上传${a.label}`));
      } catch (error) {
        clear(messages, errorNotice(error));
      }
    };
    return el('li', { dataset: { kind: a.kind } }, `${a.label}：${have.length} 份`, a.min ? `（至少 ${a.min} 份）` : '',
      have.map((f) => el('span', { class: 'file' }, ' ', f.filename)),
      editable ? el('span', {}, ' ', input, el('button', { type: 'button', onclick: send }, '上传')) : null);
  });
  clear(attachmentsNode, el('h2', {}, '附件（盖章扫描件、照片）'), el('ul', {}, rows));
  attachmentsNode.hidden = false;
}

function draw(...extra) {
  document.getElementById('title').textContent = view.spec.title;
  editable = ['draft', 'returned'].includes(view.state) && document.body.dataset.role !== 'province';
  boxes = honourBoxes(view.spec.fields, view.values, editable);
  const problems = [...view.errors, ...view.missing, ...view.missing_attachments];
  clear(messages, ...extra,
    problems.length ? notice('warning', '报送前还需完成：', problems.map((e) => ({ message: e.message }))) : null,
    view.warnings.length ? notice('info', '提示：', view.warnings.map((e) => ({ message: e.message }))) : null);
  drawPerson();
  drawExclusions();
  clear(formNode, boxes.nodes,
    el('p', { class: 'actions' },
      editable ? el('button', { type: 'submit', class: 'primary' }, '保存推荐表') : null,
      el('button', { type: 'button', onclick: downloadPdf }, '下载推荐表（PDF）'),
      ' ',
      el('button', { type: 'button', onclick: downloadDocx }, '下载推荐表（Word）')));
  formNode.hidden = false;
  drawAttachments();
}

async function downloadPdf() {
  try {
    const response = await call('GET', path('honour-form.pdf'), { raw: true });
    await saveDownload(response, `推荐表-${view.person.id}.pdf`);
  } catch (error) {
    clear(messages, errorNotice(error));
  }
}

// The form as a Word file: filled in and uploaded into the round, it is read back as the same form.
async function downloadDocx() {
  try {
    const response = await call('GET', path('honour-form.docx'), { raw: true });
    await saveDownload(response, `推荐表-${view.person.id}.docx`);
  } catch (error) {
    clear(messages, errorNotice(error));
  }
}

formNode.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    view = await put(path(), boxes.collect());
    draw(notice('ok', '推荐表已保存'));
  } catch (error) {
    clear(messages, errorNotice(error));
  }
});

async function main() {
  await startPage({ roles: ['staff', 'province', 'unit'] });
  if (!/^[0-9]+$/.test(id)) {
    // Opened without a recommendation (a bookmark, the menu's folder): say where forms are found.
    clear(messages, notice('info', '请从推荐报送页面的名单中打开某位候选人的推荐表。'));
    document.body.dataset.ready = 'true';
    return;
  }
  try {
    view = await get(path());
    draw();
  } catch (error) {
    clear(messages, errorNotice(error));
  }
  document.body.dataset.ready = 'true';
}

main();
