// 可否参加 of the unit's admitted people (科协企服函〔2025〕8号 附件2): each person with a
// choice per event that asks (是 / 否 / 未填), saved at once, and the 参加活动信息表 upload
// (姓名, 编号 or 身份证号 — or 出生年月 and 单位职务, as 附件2 has —, 可否参加…), which sets the answers without adding anyone and
// writes nothing when a row is wrong. A staff setting wins over the unit's answer and is
// shown as such. The rules are the API's; this module shows its answers and refusals.

import { get, put, upload } from './api.js';
import { clear, el, errorNotice, notice } from './shell.js';

const kChoices = [['', '未填'], ['true', '是'], ['false', '否']];

function answerCell(event, person, answer, params, onError) {
  const value = answer.available === null || answer.available === undefined ? '' : String(answer.available);
  const select = el('select', {
    'aria-label': `${person.name} 可否参加${event.title}`,
    dataset: { person: person.id, event: event.code },
  }, kChoices.map(([v, label]) => el('option', { value: v, selected: v === value }, label)));
  const staff = answer.source === 'staff';
  if (staff) select.disabled = true;
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      const body = { available: select.value === '' ? null : select.value === 'true' };
      await put(`availability/${encodeURIComponent(event.code)}/${encodeURIComponent(person.id)}`, body, { params });
      onError(null);
    } catch (error) {
      select.value = value;
      onError(error);
    } finally {
      select.disabled = false;
    }
  });
  return el('td', {}, select, staff ? el('span', { class: 'muted' }, '（工作人员已设置）') : null);
}

function table(list, params, result) {
  if (!list.items.length) return notice('info', '本单位暂无已入库人员。');
  const onError = (error) => clear(result, error ? errorNotice(error) : notice('ok', '已保存。'));
  const rows = list.items.map((person) => el('tr', { dataset: { person: person.id } },
    el('td', {}, person.name), el('td', {}, person.id),
    list.events.map((event) => answerCell(event, person, person.answers[event.code] || {}, params, onError))));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'availability-table' },
    el('thead', {}, el('tr', {}, ['姓名', '编号', ...list.events.map((e) => `可否参加${e.title}`)]
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows)));
}

function sheetForm(params, reload) {
  const file = el('input', { type: 'file', name: 'file', accept: '.xlsx,.csv', required: true });
  const result = el('div', { id: 'availability-upload-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'row', id: 'availability-upload' },
    el('label', {}, '参加活动信息表（Excel 或 CSV）', file), el('button', { type: 'submit' }, '上传'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    clear(result, el('p', { class: 'muted' }, '正在上传……'));
    try {
      const report = await upload('availability/sheet', file.files[0], { params });
      await reload();
      clear(result, notice('ok', `已读取 ${report.rows} 行，更新 ${report.changed} 项可否参加。`));
    } catch (error) {
      clear(result, errorNotice(error));
    }
  });
  return [form, result];
}

// Fills `node` with the section; `unitCode` is the unit staff act for (empty for a unit).
export async function availabilitySection(node, unitCode) {
  const params = unitCode ? { unit: unitCode } : {};
  const result = el('div', { id: 'availability-result', 'aria-live': 'polite' });
  const listNode = el('div', { id: 'availability-list' });
  const reload = async () => {
    const list = await get('availability', params);
    if (!list.events.length) {
      clear(node, el('h2', {}, '已入库人员可否参加活动'), notice('info', '目前没有需要报送可否参加的活动。'));
      return false;
    }
    clear(listNode, table(list, params, result));
    return true;
  };
  clear(node, el('h2', {}, '已入库人员可否参加活动'),
    el('p', { class: 'hint' }, '已入库人员无需重复推荐，但请标注能否参加下列活动；选择后即保存。'
      + '也可上传参加活动信息表（列：姓名、编号或身份证号——附件2 原表没有这两列时按出生年月和单位职务查找——、可否参加专题研修班、可否参加国情研修活动，填「是」或「否」），'
      + '任何一行有误则整表不写入。'),
    listNode, result, el('h3', {}, '上传参加活动信息表'), ...sheetForm(params, reload));
  try {
    if (await reload()) node.dataset.ready = 'true';
  } catch (error) {
    clear(listNode, errorNotice(error));
  }
}
