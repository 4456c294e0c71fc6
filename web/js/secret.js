// A secret shown once (an initial password, an API token, an invitation link): in a box
// with a copy button and the warning that it will not be shown again.

import { clear, el } from './shell.js';

// Copies text to the clipboard; where the page may not (an older browser, no secure
// context), selects it for Ctrl+C instead. Answers whether it was copied.
export async function copyText(text, selectable) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (selectable) {
      const range = document.createRange();
      range.selectNodeContents(selectable);
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    return false;
  }
}

// A copy button for `text`, saying 已复制 (or what to do instead) once pressed.
export function copyButton(text, selectable, label = '复制') {
  const button = el('button', { type: 'button', class: 'copy' }, label);
  button.addEventListener('click', async () => {
    const copied = await copyText(text, selectable);
    button.textContent = copied ? '已复制' : '请按 Ctrl+C 复制';
    setTimeout(() => { button.textContent = label; }, 3000);
  });
  return button;
}

// Fills `node` with the box: `title` (whose secret it is), the value, a copy button, the
// warning and a button that closes the box (and forgets the value).
export function showSecret(node, { title, value, warning, id = 'secret-box' }) {
  const code = el('code', { class: 'secret-value', id: `${id}-value` }, value);
  const box = el('div', { class: 'notice notice-warning secret-box', id, role: 'status' },
    el('p', {}, el('strong', {}, title)),
    el('div', { class: 'secret-line' }, code, copyButton(value, code)),
    el('p', { class: 'secret-warning' }, warning),
    el('p', {}, el('button', { type: 'button', class: 'link-button small', onclick: () => clear(node) }, '我已记下，关闭')));
  clear(node, box);
  box.scrollIntoView({ block: 'nearest' });
  return box;
}
