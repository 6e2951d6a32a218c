// Search helpers: sort auto-submit, the group picker on the results page, and the composer's
// @mention autocomplete. Suggestions come from /search/suggest, which reads the search index
// through the same access rules as search (never a name the reader may not see).

import { getJSON } from './http.js';

const DELAY_MS = 150;

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function fetchSuggestions(q, kind) {
  const params = new URLSearchParams({ q, kind });
  const data = await getJSON(`/search/suggest?${params}`);
  return data.items || [];
}

/** A listbox of suggestions driven from a text field: arrows move, Enter/Tab pick, Esc closes. */
function attachList(field, list, onPick) {
  let items = [];
  let active = -1;
  const id = list.id || (list.id = `suggest-${Math.random().toString(36).slice(2)}`);
  field.setAttribute('role', 'combobox');
  field.setAttribute('aria-autocomplete', 'list');
  field.setAttribute('aria-controls', id);
  field.setAttribute('aria-expanded', 'false');

  const close = () => {
    items = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    field.setAttribute('aria-expanded', 'false');
    field.removeAttribute('aria-activedescendant');
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((el, i) => el.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) field.setAttribute('aria-activedescendant', `${id}-${index}`);
  };
  const show = (found) => {
    items = found;
    list.replaceChildren(...found.map((item, i) => {
      const option = document.createElement('div');
      option.id = `${id}-${i}`;
      option.setAttribute('role', 'option');
      option.textContent = item.detail ? `${item.label} · ${item.detail}` : item.label;
      option.addEventListener('mousedown', (event) => {
        event.preventDefault();
        onPick(item);
        close();
      });
      return option;
    }));
    list.hidden = !found.length;
    field.setAttribute('aria-expanded', String(found.length > 0));
    highlight(found.length ? 0 : -1);
  };
  field.addEventListener('keydown', (event) => {
    if (list.hidden || !items.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      highlight((active + step + items.length) % items.length);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && active >= 0) {
      event.preventDefault();
      onPick(items[active]);
      close();
    } else if (event.key === 'Escape') {
      close();
    }
  });
  field.addEventListener('blur', () => setTimeout(close, 100));
  return { show, close };
}

function startGroupPicker() {
  const field = document.querySelector('[data-group-picker]');
  const list = document.querySelector('[data-group-list]');
  if (!field || !list) return;
  const picker = attachList(field, list, (item) => {
    window.location.assign(field.dataset.targetUrl.replace('GROUP_ID', String(item.id)));
  });
  field.addEventListener('input', debounce(async () => {
    const q = field.value.trim();
    if (!q) return picker.close();
    picker.show(await fetchSuggestions(q, 'group').catch(() => []));
  }, DELAY_MS));
}

const MENTION = /(^|[^\w@])@([\w.-]{1,30})$/u;

function startMentions(textarea) {
  const list = textarea.form?.querySelector('[data-mention-list]');
  if (!list) return;
  const mentionBeforeCaret = () => {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = MENTION.exec(before);
    return match ? { start: before.length - match[2].length - 1, word: match[2] } : null;
  };
  const picker = attachList(textarea, list, (item) => {
    const found = mentionBeforeCaret();
    if (!found || !item.handle) return;
    const caret = textarea.selectionStart;
    const insert = `@${item.handle} `;
    textarea.value = textarea.value.slice(0, found.start) + insert + textarea.value.slice(caret);
    const at = found.start + insert.length;
    textarea.setSelectionRange(at, at);
    textarea.focus();
  });
  textarea.addEventListener('input', debounce(async () => {
    const found = mentionBeforeCaret();
    if (!found) return picker.close();
    picker.show(await fetchSuggestions(found.word, '').catch(() => []));
  }, DELAY_MS));
}

export function startSearch() {
  document.querySelectorAll('select[data-autosubmit]').forEach((select) => {
    select.addEventListener('change', () => select.form?.requestSubmit());
  });
  startGroupPicker();
  document.querySelectorAll('form[data-composer] textarea[name="body"]').forEach(startMentions);
}
