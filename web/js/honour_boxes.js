// The boxes of an honour campaign's 推荐表 as inputs: a text with a live character counter
// (the limits and the 1,200–1,800 advice of the spec the server answers), ticks, numbered
// stories, a table of rows with a button for more, and the declaration to accept. Used by the
// unit's 推荐表 page and by the nominee's own form (their boxes only).

import { el } from './shell.js';

// Characters as the server counts them: blanks and line breaks do not count.
export function countCharacters(text) {
  return [...text.replace(/[ \n\t\r\u3000]/g, '')].length;
}

function counter(field, textarea) {
  const node = el('span', { class: 'counter', 'data-for': field.key });
  const update = () => {
    const n = countCharacters(textarea.value);
    let text = `${n} 字`;
    if (field.max_chars) text += ` / 上限 ${field.max_chars} 字`;
    const advice = field.warn_below && (n < field.warn_below || n > field.warn_above);
    if (advice) text += `（宜在 ${field.warn_below}～${field.warn_above} 字之间）`;
    node.textContent = text;
    node.classList.toggle('over', Boolean(field.max_chars && n > field.max_chars));
    node.classList.toggle('advice', Boolean(advice));
  };
  textarea.addEventListener('input', update);
  update();
  return node;
}

function textArea(field, value, max, editable) {
  const long = !max || max > 60;
  const input = long
    ? el('textarea', { name: field.key, rows: max > 500 ? 12 : 4, disabled: !editable })
    : el('input', { name: field.key, type: 'text', disabled: !editable });
  input.value = value || '';
  return { input, count: long ? counter({ ...field, max_chars: max }, input) : null };
}

function boxFor(field, value, editable, readers) {
  const label = el('span', { class: 'label' }, field.key, field.required ? el('span', { class: 'required' }, ' *') : null);
  if (field.kind === 'text' || field.kind === 'date') {
    const { input, count } = textArea(field, value, field.kind === 'date' ? 20 : field.max_chars, editable);
    readers.push(() => [field.key, input.value.trim() || null]);
    return el('label', { class: 'field', dataset: { key: field.key } }, label, input, count,
      field.message ? el('small', {}, field.message) : null);
  }
  if (field.kind === 'choices') {
    const boxes = field.values.map((choice) => {
      const box = el('input', { type: 'checkbox', value: choice, disabled: !editable });
      box.checked = Array.isArray(value) && value.includes(choice);
      return el('label', { class: 'tick' }, box, choice);
    });
    readers.push(() => [field.key, boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value)]);
    return el('fieldset', { class: 'field', dataset: { key: field.key } }, el('legend', {}, label), boxes);
  }
  if (field.kind === 'accept') {
    const box = el('input', { type: 'checkbox', name: field.key, disabled: !editable });
    box.checked = value === true;
    readers.push(() => [field.key, box.checked]);
    return el('fieldset', { class: 'field', dataset: { key: field.key } }, el('legend', {}, label),
      el('p', {}, field.text), el('label', { class: 'tick' }, box, '候选人接受推荐并作出上述承诺'));
  }
  if (field.kind === 'texts') {
    const items = Array.isArray(value) ? [...value] : [];
    while (items.length < (field.max_items || 1)) items.push('');
    const areas = items.map((text, i) => {
      const { input, count } = textArea(field, text, field.item_max_chars, editable);
      return el('div', { class: 'item' }, el('span', {}, `${i + 1}.`), input, count);
    });
    readers.push(() => [field.key, areas.map((a) => a.querySelector('textarea').value.trim()).filter(Boolean)]);
    return el('div', { class: 'field', dataset: { key: field.key } }, label, areas);
  }
  // rows: a table with one empty row to fill and a button for more
  const body = el('tbody');
  const addRow = (row = {}) => {
    body.append(el('tr', {}, field.columns.map((c) => {
      const input = el('input', { type: 'text', 'data-column': c.key, disabled: !editable });
      input.value = row[c.key] || '';
      return el('td', {}, input);
    })));
  };
  (Array.isArray(value) ? value : []).forEach(addRow);
  if (editable) addRow();
  readers.push(() => [field.key, [...body.rows].map((tr) => Object.fromEntries(
    [...tr.querySelectorAll('input')].map((i) => [i.dataset.column, i.value.trim()])))
    .filter((r) => Object.values(r).some(Boolean))]);
  return el('div', { class: 'field', dataset: { key: field.key } }, label,
    el('table', { class: 'list' }, el('thead', {}, el('tr', {}, field.columns.map((c) => el('th', {}, c.key)))), body),
    editable ? el('button', { type: 'button', onclick: () => addRow() }, '添加一行') : null);
}

function collect(readers) {
  const values = {};
  for (const read of readers) {
    const [key, value] = read();
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    values[key] = value;
  }
  return values;
}

// Inputs for `fields` filled from `values`; collect() answers the boxes as the server takes them
// (empty boxes left out).
export function honourBoxes(fields, values, editable) {
  const readers = [];
  const nodes = fields.map((field) => boxFor(field, (values || {})[field.key], editable, readers));
  return { nodes, collect: () => collect(readers) };
}
