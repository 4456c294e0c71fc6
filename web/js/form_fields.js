// The fields of a nominee's 学员情况表 as the API describes them ({key, label, kind,
// required, multiline, options}) with their values (text), as inputs: text (a textarea when multiline), date, 是/否,
// list (one item a line) and choice. Shared by the nominee's page and the unit's review,
// so both edit the same values the same way. Errors of the API ({field, message}, the
// field by key or label) go beside the input they name.

import { clear, el } from './shell.js';

function yesNoText(value) {
  if (value === true || value === '是' || value === 'yes') return '是';
  if (value === false || value === '否' || value === 'no') return '否';
  return '';
}

function optionValue(option) {
  return typeof option === 'object' && option !== null ? String(option.value ?? option.label ?? '') : String(option);
}

function optionLabel(option) {
  return typeof option === 'object' && option !== null ? String(option.label ?? option.value ?? '') : String(option);
}

function inputFor(field, value, id) {
  const common = { id, name: field.key, 'aria-describedby': `${id}-error`, 'aria-required': field.required ? 'true' : false };
  switch (field.kind) {
    case 'date': {
      // A partial date (a year and month only) stays as typed text.
      const text = value ? String(value) : '';
      const exact = !text || /^\d{4}-\d{2}-\d{2}$/.test(text);
      const input = el('input', { ...common, type: exact ? 'date' : 'text', placeholder: exact ? false : 'YYYY-MM-DD' });
      input.value = text;
      return input;
    }
    case 'yes_no': {
      const select = el('select', common, el('option', { value: '' }, '请选择'), el('option', {}, '是'),
        el('option', {}, '否'));
      select.value = yesNoText(value);
      return select;
    }
    case 'choice': {
      const options = field.options || [];
      const select = el('select', common, el('option', { value: '' }, '请选择'),
        options.map((o) => el('option', { value: optionValue(o) }, optionLabel(o))));
      select.value = value === null || value === undefined ? '' : String(value);
      return select;
    }
    case 'list': {
      const area = el('textarea', { ...common, rows: 4 });
      area.value = Array.isArray(value) ? value.join('\n') : value ? String(value) : '';
      return area;
    }
    default: {
      const input = field.multiline ? el('textarea', { ...common, rows: 5 }) : el('input', { ...common, type: 'text' });
      input.value = value === null || value === undefined ? '' : String(value);
      return input;
    }
  }
}

// Every value is text, as the API takes it: 是/否 for a yes-no answer, a list one item a
// line (the API splits on new lines as on 、，；).
function valueOf(field, input) {
  if (field.kind === 'list') return input.value.split('\n').map((line) => line.trim()).filter(Boolean).join('\n');
  return input.value.trim();
}

// Builds the fields into a node. Answers { node, values(), showErrors(errors) }:
// values() reads every field; showErrors puts each error beside its field (clearing the
// others) and answers those that name no field of the form.
export function formFields(fields, values = {}, { idPrefix = 'f' } = {}) {
  const byName = new Map();
  const entries = fields.map((field, i) => {
    const id = `${idPrefix}-${i}`;
    const input = inputFor(field, values[field.key], id);
    const error = el('p', { class: 'field-error', id: `${id}-error` });
    const hint = field.kind === 'list' ? el('span', { class: 'hint' }, '（每行一项）') : null;
    const node = el('div', { class: 'field', dataset: { key: field.key, kind: field.kind } },
      el('label', { for: id }, field.label, field.required ? el('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null,
        hint),
      input, error);
    const entry = { field, input, error, node };
    byName.set(field.key, entry);
    if (field.label) byName.set(field.label, entry);
    return entry;
  });
  return {
    node: el('div', { class: 'fields' }, entries.map((e) => e.node)),
    values() {
      return Object.fromEntries(entries.map(({ field, input }) => [field.key, valueOf(field, input)]));
    },
    showErrors(errors = []) {
      for (const { input, error, node } of entries) {
        clear(error);
        input.removeAttribute('aria-invalid');
        node.classList.remove('has-error');
      }
      const rest = [];
      for (const e of errors) {
        const entry = byName.get(e.field) || byName.get(e.label);
        if (!entry) {
          rest.push(e);
          continue;
        }
        entry.error.append(entry.error.childNodes.length ? `；${e.message}` : e.message);
        entry.input.setAttribute('aria-invalid', 'true');
        entry.node.classList.add('has-error');
      }
      return rest;
    },
    focusFirstError() {
      const bad = entries.find((e) => e.node.classList.contains('has-error'));
      if (bad) bad.input.focus();
    },
  };
}
