// An event's enrolments as a table. Staff get the controls of each enrolment: the actions
// its state allows (as the API's state machine does), moving a waiting person up or down
// the list, and setting who can attend (可否参加) or taking that setting back. Every change
// sends If-Match with the version the row was read at; a seat freed by a decline or a
// removal shows who was promoted from the waiting list, and a refusal (409, 412, 422)
// shows the API's message, the list read again. An invitation refused because others wait
// ahead offers 「越过候补名单邀请」, which sends it again as an audited override. A province reads
// the same table for its own people (the API scopes it), without controls.
//
// Each row is built from a list of column builders (kColumns); attendance by day
// (cohorts_attendance.js) is one of them: staff mark each day of a seat holder, a province
// reads the days.

import { call, del, get, post, put } from './api.js';
import { dayLabel, daysCell, eventDays, todayInBeijing } from './cohorts_attendance.js';
import { clear, el, errorNotice, notice } from './shell.js';

// The actions a state allows: [action, label, class]. Attendance is recorded from the
// event's first day (the API refuses it before).
const kActions = {
  invited: [['confirm', '确认'], ['decline', '谢绝', 'danger'], ['remove', '移出', 'danger']],
  confirmed: [['attend', '已参加'], ['absent', '缺席'], ['decline', '谢绝', 'danger'], ['remove', '移出', 'danger']],
  waitlisted: [['invite', '邀请'], ['decline', '谢绝', 'danger'], ['remove', '移出', 'danger']],
  declined: [['invite', '重新邀请'], ['waitlist', '加入候补']],
  removed: [['invite', '重新邀请'], ['waitlist', '加入候补']],
  attended: [['absent', '改为缺席']],
  absent: [['attend', '改为已参加']],
};

const kDone = {
  invite: '已邀请', waitlist: '已加入候补', confirm: '已确认', decline: '已谢绝', remove: '已移出',
  attend: '已记为参加', absent: '已记为缺席', move: '已调整候补顺位',
};

const kSources = { staff: '工作人员设置', unit_sheet: '单位报送', not_asked: '通知未询问' };

function availabilityText(a) {
  const value = a.available === true ? '可参加' : a.available === false ? '不能参加' : '未标注';
  return a.source ? `${value}（${kSources[a.source] || a.source}）` : value;
}

// The table of `event`'s enrolments in `node`. `staff`: with controls; `onChanged` runs
// after each change (the events list counts seats).
export async function showEnrolments(node, event, { staff, onChanged = async () => {} }) {
  const status = el('div', { id: 'enrolment-status', 'aria-live': 'polite' });
  const base = `events/${encodeURIComponent(event.code)}`;
  let list;

  const reload = async () => {
    list = await get(`${base}/enrolments`);
    render();
  };

  const act = async (e, body, label) => {
    clear(status);
    for (const button of node.querySelectorAll(`tr[data-person="${e.id}"] button`)) button.disabled = true;
    try {
      const done = await call('POST', `${base}/enrolments`, { body: { id: e.id, ...body }, headers: { 'If-Match': `"v${e.version}"` } });
      const messagesShown = [notice('ok', `${e.name}：${label || kDone[body.action]}。`)];
      if (done.promoted) {
        messagesShown.push(notice('info', `名额空出，候补的 ${done.promoted.name} 已递补邀请（${done.promoted.class || ''}）。`));
      }
      await reload();
      clear(status, messagesShown);
      await onChanged();
    } catch (error) {
      const extra = error.status === 412 ? '该记录已被他人修改，列表已刷新，请核对后重试。'
        : error.status === 409 ? '与已有记录冲突，列表已刷新。' : null;
      try { await reload(); } catch { /* the first error says enough */ }
      clear(status, errorNotice(error), extra ? notice('warning', extra) : null, passOver(e, body, error));
    }
  };

  // An invitation refused because others wait ahead on the class's list: staff may confirm
  // they mean to pass them over (sent again with ahead_of_waitlist, which the audit log records).
  const passOver = (e, body, error) => {
    if (error.status !== 422 || body.action !== 'invite' || body.ahead_of_waitlist) return null;
    if (!['waitlisted', 'declined', 'removed'].includes(e.state)) return null;
    if (!(error.details || []).some((d) => d.field === 'ahead_of_waitlist')) return null;
    return el('div', { class: 'row pass-over' },
      el('span', {}, `确需让${e.name}越过候补名单吗？此操作记入审计日志。`),
      el('button', {
        type: 'button', class: 'danger', dataset: { action: 'ahead-of-waitlist', person: e.id },
        onclick: () => act(e, { action: 'invite', ahead_of_waitlist: true }, '已越过候补名单邀请'),
      }, '越过候补名单邀请'));
  };

  const availability = (e, cell) => {
    const path = `${base}/availability/${encodeURIComponent(e.id)}`;
    const show = (a) => clear(cell, el('span', { class: 'availability' }, availabilityText(a)), ' ',
      el('button', { type: 'button', onclick: () => change(() => put(path, { available: true }), '已设为可参加') }, '设为可参加'),
      el('button', { type: 'button', onclick: () => change(() => put(path, { available: false }), '已设为不能参加') }, '设为不能参加'),
      a.source === 'staff' ? el('button', { type: 'button', onclick: () => change(() => del(path), '已撤销工作人员的设置') }, '撤销设置') : null);
    const change = async (send, done) => {
      clear(status);
      try {
        const a = await send();
        show(a);
        clear(status, notice('ok', `${e.name}：${done}，现为${availabilityText(a)}。`));
      } catch (error) {
        clear(status, errorNotice(error));
      }
    };
    return async () => {
      try {
        show(await get(path));
      } catch (error) {
        clear(cell, errorNotice(error));
      }
    };
  };

  // One day's mark sent; the list is read again, so the row shows its days and the state
  // they lead to. A refusal (422: the day, or a seat no longer held) shows the API's message.
  const mark = async (e, day, present) => {
    clear(status);
    const said = `${e.name}：${dayLabel(day)}记为${present ? '出席' : '缺席'}`;
    try {
      const done = await post(`${base}/attendance`, { items: [{ id: e.id, day, present }] });
      await reload();
      const now = done.items.find((o) => o.id === e.id);
      clear(status, notice('ok', now ? `${said}，状态为${now.state_label || now.state}。` : `${said}（与已记录的相同）。`));
      await onChanged();
    } catch (error) {
      try { await reload(); } catch { /* the first error says enough */ }
      clear(status, errorNotice(error));
    }
  };
  const days = eventDays(event);
  const today = todayInBeijing();

  // The columns: [heading, cell builder]. Staff's controls come last.
  const kColumns = [
    ['姓名', (e) => el('a', { href: `person.html?id=${encodeURIComponent(e.id)}` }, e.name)],
    ['班次', (e) => e.class || ''],
    ['状态', (e) => el('span', { class: 'state', dataset: { state: e.state } }, e.state_label || e.state)],
    ['候补顺位', (e) => (e.waitlist_rank ?? '')],
    ['出勤（按天）', (e) => daysCell(e, { days, today, onMark: staff ? mark : null })],
  ];
  if (staff) {
    kColumns.push(['操作', (e) => {
      const waiting = list.items.filter((o) => o.state === 'waitlisted' && o.class === e.class).length;
      return el('div', { class: 'row actions-cell' },
        (kActions[e.state] || []).map(([action, label, cls]) => el('button', {
          type: 'button', class: cls || false, dataset: { action },
          onclick: () => act(e, { action }, null),
        }, label)),
        e.state === 'waitlisted' && e.waitlist_rank > 1 ? el('button', {
          type: 'button', dataset: { action: 'up' }, onclick: () => act(e, { action: 'move', rank: e.waitlist_rank - 1 }, '候补顺位上移'),
        }, '上移') : null,
        e.state === 'waitlisted' && e.waitlist_rank < waiting ? el('button', {
          type: 'button', dataset: { action: 'down' }, onclick: () => act(e, { action: 'move', rank: e.waitlist_rank + 1 }, '候补顺位下移'),
        }, '下移') : null);
    }]);
    kColumns.push(['可否参加', (e) => {
      const cell = el('div', { class: 'row actions-cell' });
      const open = availability(e, cell);
      cell.append(el('button', { type: 'button', dataset: { action: 'availability' }, onclick: open }, '查看与设置'));
      return cell;
    }]);
  }

  const render = () => {
    clear(node, el('h2', {}, staff ? `报名情况（${list.total} 人）` : `本省人员报名情况（${list.total} 人）`),
      status,
      list.items.length ? el('div', { class: 'table-wrap' }, el('table', { class: 'list', id: 'enrolments-table' },
        el('thead', {}, el('tr', {}, kColumns.map(([h]) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, list.items.map((e) => el('tr', { dataset: { person: e.id, state: e.state } },
          kColumns.map(([, cell]) => el('td', {}, cell(e))))))))
        : el('p', { class: 'muted' }, staff ? '还没有邀请任何人。' : '本省还没有人员报名本活动。'));
  };

  try {
    await reload();
  } catch (error) {
    clear(node, errorNotice(error));
  }
}
