// The recommending unit's page: the current round, a check whether a person is already
// enrolled before recommending them (POST /api/v1/enrollment-check, answered as soon as
// an ID number is complete), and the unit's own people in the pool.

import { ApiError, get, post } from './api.js';
import { clear, el, errorNotice, notice, startPage } from './shell.js';

const messages = document.getElementById('messages');
const roundNode = document.getElementById('round');
const checkNode = document.getElementById('check');
const peopleNode = document.getElementById('people');

// The answer of an enrolment check, in words: for a unit the API tells only whether and
// when, never who recommended the person.
function enrolmentNotice(answer) {
  if (!answer.enrolled) return notice('ok', '未查到入库记录，可以推荐。');
  const when = answer.year ? `${answer.year}年` : '此前';
  const round = answer.round ? `（${answer.round}）` : '';
  return notice('warning', `该人员已于${when}入库${round}，无需重复推荐。`);
}

function checkForm() {
  const result = el('div', { class: 'check-result', 'aria-live': 'polite' });
  const idInput = el('input', { type: 'text', name: 'id_number', maxlength: 18, inputmode: 'text',
    autocomplete: 'off', spellcheck: 'false', placeholder: '18位身份证号' });
  const nameInput = el('input', { type: 'text', name: 'name', autocomplete: 'off' });
  const birthInput = el('input', { type: 'date', name: 'birth_date' });
  let last = '';
  const run = async (body) => {
    const key = JSON.stringify(body);
    if (key === last) return;
    last = key;
    clear(result, el('p', { class: 'muted' }, '正在查询……'));
    try {
      const answer = await post('enrollment-check', body);
      if (key === last) clear(result, enrolmentNotice(answer));
    } catch (error) {
      if (key === last) clear(result, errorNotice(error));
    }
  };
  // An ID number is checked as soon as it has 18 characters.
  idInput.addEventListener('input', () => {
    const v = idInput.value.trim().toUpperCase();
    if (v.length === 18) run({ id_number: v });
    else { last = ''; clear(result); }
  });
  const form = el('form', { class: 'grid-form', autocomplete: 'off' },
    el('label', {}, '身份证号', idInput),
    el('label', {}, '或：姓名', nameInput),
    el('label', {}, '出生日期', birthInput),
    el('div', { class: 'row' }, el('button', { type: 'submit' }, '查询')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = idInput.value.trim().toUpperCase();
    last = '';
    if (id) run({ id_number: id });
    else if (nameInput.value.trim()) run({ name: nameInput.value.trim(), birth_date: birthInput.value });
  });
  return [form, result];
}

async function people() {
  clear(peopleNode, el('h2', {}, '本单位推荐的入库人员'), el('p', { class: 'muted' }, '正在读取……'));
  try {
    const list = await get('persons', { size: 100, sort: 'name' });
    const rows = list.items.map((p) => el('tr', {},
      el('td', {}, el('a', { href: `person.html?id=${encodeURIComponent(p.id)}` }, p.name)),
      el('td', {}, p.gender || ''), el('td', {}, p.birth_date || ''),
      el('td', {}, [p.unit, p.post].filter(Boolean).join(' ')), el('td', {}, p.tier || ''),
      el('td', {}, p.admission_year ? `${p.admission_year}年` : '')));
    clear(peopleNode, el('h2', {}, `本单位推荐的入库人员（${list.total} 人）`),
      rows.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'people-table' },
        el('thead', {}, el('tr', {}, ['姓名', '性别', '出生日期', '工作单位及职务', '人才类别', '入库年度']
          .map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows))) : el('p', { class: 'muted' }, '暂无'),
      list.total > rows.length ? el('p', { class: 'hint' }, el('a', { href: 'index.html' }, '在检索页查看全部')) : null);
  } catch (error) {
    clear(peopleNode, errorNotice(error));
  }
}

async function main() {
  const me = await startPage();
  if (me.role === 'unit' && me.unit) {
    document.getElementById('unit-title').textContent = `${me.unit.name || me.unit.code} · 推荐报送`;
  }
  clear(roundNode, el('h2', {}, '当前推荐批次'),
    el('p', { class: 'muted' }, '推荐批次、名额和报送将在推荐批次接口提供后显示。'));
  clear(checkNode, el('h2', {}, '推荐前查询：是否已入库'),
    el('p', { class: 'hint' }, '已入库人员无需重复推荐。查询会记入审计日志。'), checkForm());
  await people();
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  if (!(error instanceof ApiError)) clear(messages, errorNotice(error));
});
