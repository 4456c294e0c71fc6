// Attendance by day on the cohorts page: the event's days, one small control per day for
// each seat holder (出席 / 缺席 / 未记录, as the enrolment's `days` hold them), and the
// sign-in sheet read back. The API decides what may be recorded (a day within the event,
// not after today in Beijing, a confirmed seat); the page only greys out the days still to
// come, and shows the API's message for anything it refuses.

import { upload } from './api.js';
import { clear, el, errorNotice, notice } from './shell.js';

// Today's date in Beijing as YYYY-MM-DD (the API's "today", whatever the browser's zone).
export function todayInBeijing() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

// The event's days from starts_on to ends_on, as YYYY-MM-DD. Counted in UTC so that no
// zone's clock change skips or repeats a day.
export function eventDays(event) {
  const days = [];
  const [y0, m0, d0] = event.starts_on.split('-').map(Number);
  const end = event.ends_on;
  for (let i = 0; i < 366; i += 1) {
    const day = new Date(Date.UTC(y0, m0 - 1, d0 + i)).toISOString().slice(0, 10);
    if (day > end) break;
    days.push(day);
  }
  return days;
}

// "11月17日", as the sign-in sheet heads its day columns.
export function dayLabel(day) {
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日`;
}

const kSeatHolders = new Set(['confirmed', 'attended', 'absent']);
const kMarks = { present: '出席', absent: '缺席', '': '未记录' };

function markOf(e, day) {
  const found = (e.days || []).find((d) => d.day === day);
  if (!found) return '';
  return found.present ? 'present' : 'absent';
}

// The days of enrolment `e` in a cell. With `onMark(e, day, present)` (staff), a seat
// holder gets a select per day, days after `today` disabled; otherwise the days are text.
// "未记录" cannot be chosen once a day is recorded: a mark is corrected, not taken back.
export function daysCell(e, { days, today, onMark }) {
  const recorded = (e.days || []).length > 0;
  if (!onMark || !kSeatHolders.has(e.state)) {
    if (!recorded) return kSeatHolders.has(e.state) ? el('span', { class: 'muted' }, '未记录') : '';
    return el('ul', { class: 'days' }, days.filter((day) => markOf(e, day)).map((day) => el('li', {
      dataset: { day, mark: markOf(e, day) },
    }, `${dayLabel(day)} ${kMarks[markOf(e, day)]}`)));
  }
  return el('div', { class: 'days' }, days.map((day) => {
    const mark = markOf(e, day);
    const later = day > today;
    const select = el('select', {
      'aria-label': `${e.name} ${dayLabel(day)}出勤`, dataset: { day, mark }, disabled: later,
      title: later ? '该日尚未到来，不能记录' : false,
      onchange: () => {
        select.disabled = true;
        onMark(e, day, select.value === 'present');
      },
    }, ['', 'present', 'absent'].map((value) => el('option', {
      value, selected: value === mark, disabled: value === '' && mark !== '',
    }, kMarks[value])));
    return el('label', { class: 'day' }, el('span', {}, dayLabel(day)), select);
  }));
}

// A file input that sends the ticked sign-in sheet of event `code` back and says what was
// recorded (or lists each faulty cell by row and column) in `result`; `onRecorded` runs
// after marks were recorded (the enrolments are read again).
export function signinUpload(code, result, onRecorded) {
  const input = el('input', { type: 'file', id: 'signin-file', accept: '.xlsx,.csv' });
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    input.disabled = true;
    clear(result, notice('info', `正在读取「${file.name}」……`));
    try {
      const done = await upload(`events/${encodeURIComponent(code)}/signin`, file);
      const read = `已读取 ${done.rows} 人、${done.marks} 个出勤标记`;
      clear(result, done.total
        ? notice('ok', `${read}，${done.total} 人的出勤有变化：`, done.items.map((e) => ({ message: `${e.name}（${e.state_label || e.state}）` })))
        : notice('ok', `${read}，与已记录的相同，没有变化。`));
      if (done.total) await onRecorded();
    } catch (error) {
      clear(result, errorNotice(error),
        error.status === 422 ? notice('info', '签到表有误，什么都没有记录；请改正上列单元格后重新上传。') : null);
    } finally {
      input.value = '';
      input.disabled = false;
    }
  });
  return el('label', { class: 'file-pick' }, '上传签到表（已勾选）', input);
}
