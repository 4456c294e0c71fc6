// The form that creates a training event or edits one (staff): title, dates, place, the
// notice it comes from, and its classes with level, seats and age band (blank: no limit). A new event also takes its
// code, series and the column of the units' sheets that says who can attend. The API
// checks everything; its field errors are shown under the fields they name (a class's
// error under that class's row), and the whole message above the button.

import { call, post } from './api.js';
import { clear, el, errorNotice, notice } from './shell.js';

const kLevels = [['', '不限层次'], ['领军人才', '领军人才'], ['青年人才', '青年人才']];

// The API names a field by its Chinese label (registry checks) or its JSON key (body
// checks); both lead to the same input.
const kFieldNames = {
  代码: 'code', code: 'code',
  名称: 'title', title: 'title',
  系列: 'series', series: 'series',
  开始日期: 'starts_on', starts_on: 'starts_on',
  结束日期: 'ends_on', ends_on: 'ends_on',
  地点: 'place', place: 'place',
  来源: 'source', source: 'source',
  可否参加字段: 'availability_field', availability_field: 'availability_field',
  班次: 'classes', classes: 'classes', 名额: 'classes', capacity: 'classes',
  min_age: 'classes', max_age: 'classes',
};

// An age input's value for the API: blank is no limit (null).
function age(row, name) {
  const value = row.querySelector(`[name=${name}]`).value.trim();
  return value === '' ? null : Number(value);
}

function field(name, label, input) {
  input.name = name;
  input.id = `event-${name}`;
  input.setAttribute('aria-describedby', `event-${name}-error`);
  // The error stands outside the label, so the field's name stays its label alone.
  return el('div', { class: 'field', dataset: { field: name } }, el('label', {}, label, input),
    el('p', { class: 'field-error', id: `event-${name}-error`, 'aria-live': 'polite' }));
}

function classRow(list, cls = { name: '', level: '', capacity: 1 }) {
  const row = el('div', { class: 'row class-row', dataset: { was: cls.was ?? cls.name ?? '' } },
    el('label', {}, '班次名称', el('input', { name: 'class_name', value: cls.name || '', required: true, maxlength: 40 })),
    el('label', {}, '层次', el('select', { name: 'class_level' },
      kLevels.map(([value, label]) => el('option', { value, selected: (cls.level || '') === value }, label)))),
    el('label', {}, '名额', el('input', { type: 'number', name: 'class_capacity', min: 1, max: 10000, step: 1, value: cls.capacity })),
    el('label', {}, '最低年龄', el('input', { type: 'number', name: 'class_min_age', min: 0, max: 120, step: 1, value: cls.min_age || '', placeholder: '不限' })),
    el('label', {}, '最高年龄', el('input', { type: 'number', name: 'class_max_age', min: 0, max: 120, step: 1, value: cls.max_age || '', placeholder: '不限' })),
    cls.seats_taken ? el('span', { class: 'hint' }, `已占 ${cls.seats_taken}`) : null,
    el('button', { type: 'button', class: 'danger', onclick: () => row.remove() }, '删除班次'),
    el('p', { class: 'field-error wide class-error', 'aria-live': 'polite' }));
  // A class newly added has nothing to rename.
  if (!cls.name) row.dataset.was = '';
  list.append(row);
  return row;
}

// A form for `event` (null: a new one). `onSaved(event)` runs after the API accepted it.
export function eventForm(event, onSaved) {
  const creating = !event;
  const e = event || { title: '', starts_on: '', ends_on: '', place: '', source: '', classes: [] };
  const classes = el('div', { class: 'wide', id: 'event-classes' });
  for (const c of e.classes) classRow(classes, c);
  if (creating) classRow(classes);
  const result = el('div', { class: 'wide', 'aria-live': 'polite' });
  const twin = el('label', { class: 'check wide', hidden: true },
    el('input', { type: 'checkbox', name: 'same_as_another' }), '确是另一活动（名称和日期与已有活动相同）');
  const form = el('form', { class: 'grid-form', id: 'event-form', novalidate: true },
    creating ? field('code', '代码（小写字母、数字或连字符，如 2026-seminar）', el('input', { required: true, maxlength: 40 })) : null,
    field('title', '名称', el('input', { value: e.title, required: true })),
    creating ? field('series', '系列（同系列培训只参加一次）', el('input', { required: true })) : null,
    field('starts_on', '开始日期', el('input', { type: 'date', value: e.starts_on })),
    field('ends_on', '结束日期', el('input', { type: 'date', value: e.ends_on })),
    field('place', '地点', el('input', { value: e.place || '' })),
    field('source', '来源（通知文号）', el('input', { value: e.source || '' })),
    creating ? field('availability_field', '可否参加依据', el('select', {},
      el('option', { value: '' }, '通知未询问（都可参加）'),
      el('option', { value: 'can_attend_seminar' }, '可否参加专题研修班'),
      el('option', { value: 'can_attend_study_tour' }, '可否参加国情研修活动'))) : null,
    el('fieldset', { class: 'wide', dataset: { field: 'classes' } },
      el('legend', {}, '班次与名额'),
      classes,
      el('p', { class: 'field-error', id: 'event-classes-error', 'aria-live': 'polite' }),
      el('button', { type: 'button', onclick: () => classRow(classes) }, '添加班次')),
    twin,
    el('div', { class: 'row wide' },
      el('button', { type: 'submit', class: 'primary' }, creating ? '创建活动' : '保存修改')),
    result);

  const showErrors = (error) => {
    for (const node of form.querySelectorAll('.field-error')) node.textContent = '';
    for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    const rows = [...classes.querySelectorAll('.class-row')];
    for (const d of error.details || []) {
      const name = kFieldNames[String(d.field).split('.')[0]];
      if (name === 'classes' && d.row && rows[d.row - 1]) {
        rows[d.row - 1].querySelector('.class-error').textContent = d.message;
        for (const input of rows[d.row - 1].querySelectorAll('input')) input.setAttribute('aria-invalid', 'true');
        continue;
      }
      const box = form.querySelector(`#event-${name || 'classes'}-error`);
      if (box) box.textContent = box.textContent ? `${box.textContent}；${d.message}` : d.message;
      const input = form.querySelector(`#event-${name}`);
      if (input) input.setAttribute('aria-invalid', 'true');
    }
    twin.hidden = error.status !== 409;
    clear(result, errorNotice(error));
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const classList = [...classes.querySelectorAll('.class-row')].map((row) => ({
      name: row.querySelector('[name=class_name]').value.trim(),
      level: row.querySelector('[name=class_level]').value,
      capacity: Number(row.querySelector('[name=class_capacity]').value || 0),
      min_age: age(row, 'class_min_age'),
      max_age: age(row, 'class_max_age'),
      was: row.dataset.was,
    }));
    const body = {};
    for (const key of ['title', 'starts_on', 'ends_on', 'place', 'source']) body[key] = String(data.get(key) || '').trim();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      let saved;
      if (creating) {
        body.code = String(data.get('code') || '').trim();
        body.series = String(data.get('series') || '').trim();
        body.availability_field = data.get('availability_field') || null;
        body.classes = classList.map(({ was, ...c }) => c);
        body.capacity = classList.reduce((n, c) => n + c.capacity, 0);
        if (data.get('same_as_another') === 'on') body.same_as_another = true;
        saved = await post('events', body);
      } else {
        body.classes = classList.map(({ was, ...c }) => (was && was !== c.name ? { ...c, was } : c));
        if (data.get('same_as_another') === 'on') body.same_as_another = true;
        saved = await call('PATCH', `events/${encodeURIComponent(event.code)}`, { body });
      }
      showErrors({ details: [] });
      clear(result, notice('ok', creating ? `已创建活动「${saved.title}」。` : `已保存「${saved.title}」的修改。`));
      await onSaved(saved);
    } catch (error) {
      showErrors(error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
