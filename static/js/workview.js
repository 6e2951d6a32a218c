// The inbox's work view and case forms: the case opens beside the list without a reload (the
// list keeps its place and scroll), the case's forms are sent in the background and the case is
// refreshed in place, a reply's text is kept as a draft per case until the server took it,
// keyboard shortcuts with a help overlay, and the bulk selection's count. Without this script
// every part still works as links and forms (the server renders /inbox?case=ID).

import { HttpError, postForm } from './http.js';

const WIDE = '(min-width: 1024px)';
const TYPING = 'input:not([type="checkbox"]):not([type="radio"]):not([type="button"]):not([type="submit"]), '
  + 'textarea, select, [contenteditable=""], [contenteditable="true"]';

const workview = () => document.querySelector('[data-workview]');
const pane = () => document.querySelector('[data-case-pane]');
const openCase = () => document.querySelector('[data-case-page]');
// A key pressed while the case's previous change is under way (its buttons wait, though a live
// refresh may already show that change's status) is played on the refreshed case, not lost.
let queuedPress = null;
const rows = () => [...document.querySelectorAll('[data-inbox-list] .case-row')];

// ---- drafts: a reply is never lost --------------------------------------------------------

function draftStore() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage refused (private mode, policy): the server still re-renders on error
  }
}

function restoreDraft(root = document) {
  root.querySelectorAll('[data-reply-form][data-draft-key]').forEach((form) => {
    const body = form.querySelector('[data-reply-body]');
    const store = draftStore();
    if (!body || body.disabled || !store) return;
    const saved = store.getItem(form.dataset.draftKey);
    if (body.value) store.setItem(form.dataset.draftKey, body.value); // the server gave it back
    else if (saved) {
      body.value = saved;
      form.querySelector('[data-draft-note]')?.removeAttribute('hidden');
    }
  });
}

function saveDraft(event) {
  const body = event.target.closest?.('[data-reply-body]');
  const form = body?.closest('[data-reply-form]');
  const store = draftStore();
  if (!form || !store) return;
  if (body.value) store.setItem(form.dataset.draftKey, body.value);
  else store.removeItem(form.dataset.draftKey);
}

// ---- the case, refreshed in place ---------------------------------------------------------

function paneUrl(article) {
  const url = new URL(article.dataset.paneUrl, window.location.origin);
  const view = workview();
  if (view) url.searchParams.set('back', view.dataset.here || '/inbox');
  else url.searchParams.set('on', 'page'); // the case's own page: its heading, no side blocks
  return url;
}

async function fetchCase(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) throw new HttpError(res.status, res.statusText);
  const template = document.createElement('template');
  template.innerHTML = (await res.text()).trim();
  return template.content.querySelector('[data-case-page]');
}

function showFlash(article, message, isError) {
  const flash = article?.querySelector('[data-case-flash]');
  if (!flash) return;
  flash.textContent = message;
  flash.className = `flash ${isError ? 'flash-error' : 'flash-success'}`;
  flash.setAttribute('role', isError ? 'alert' : 'status');
  flash.hidden = !message;
}

/** Swap a list row for its fresh rendering, keeping what this page added to it: open, keyboard
 * cursor, ticked box, focus. (The live script refreshes rows too.) */
export function replaceRow(row, fresh) {
  const ticked = row.querySelector('.case-select')?.checked;
  const focused = row.contains(document.activeElement) && document.activeElement.matches('.case-link');
  fresh.classList.toggle('is-open', row.classList.contains('is-open'));
  fresh.classList.toggle('is-cursor', row.classList.contains('is-cursor'));
  if (row.getAttribute('aria-current')) fresh.setAttribute('aria-current', 'true');
  const box = fresh.querySelector('.case-select');
  if (box) box.checked = Boolean(ticked);
  row.replaceWith(fresh);
  if (focused) fresh.querySelector('.case-link')?.focus({ preventScroll: true });
}

async function refreshRow(caseId) {
  const row = document.querySelector(`[data-inbox-list] [data-case-id="${caseId}"]`);
  if (!row) return;
  const query = workview()?.dataset.listQuery || '';
  try {
    const res = await fetch(`${row.dataset.rowUrl}?${query}`, { credentials: 'same-origin' });
    if (!res.ok) return;
    const template = document.createElement('template');
    template.innerHTML = (await res.text()).trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) return;
    replaceRow(row, fresh);
  } catch {
    // the next live event or reload shows it
  }
}

async function replaceCase(article, message) {
  const fresh = await fetchCase(paneUrl(article));
  if (!fresh) return;
  article.replaceWith(fresh);
  restoreDraft(fresh);
  if (message) showFlash(fresh, message, false);
  fresh.dataset.refreshed = String(Number(article.dataset.refreshed || 0) + 1);
}

async function submitCaseForm(event) {
  const form = event.target.closest?.('form[data-case-form]');
  if (!form || event.defaultPrevented) return;
  event.preventDefault();
  const article = form.closest('[data-case-page]');
  const isReply = form.matches('[data-reply-form]');
  const error = form.querySelector('[data-reply-error]');
  const fields = new FormData(form, event.submitter); // before the buttons are disabled
  // One change at a time: every button of the case waits for this one (a second click would act
  // on what the page showed before the first change).
  const buttons = [...article.querySelectorAll('button[type="submit"]:not([disabled])')];
  buttons.forEach((b) => { b.disabled = true; });
  article.setAttribute('aria-busy', 'true');
  try {
    const data = await postForm(form.action, fields);
    if (isReply) draftStore()?.removeItem(form.dataset.draftKey);
    await replaceCase(article, data.message || '');
    refreshRow(article.dataset.caseId);
    playQueuedPress();
  } catch (failure) {
    queuedPress = null; // the key was meant for a case that did not change as shown
    buttons.forEach((b) => { b.disabled = false; });
    article.removeAttribute('aria-busy');
    const message = failure instanceof HttpError ? failure.message : String(failure);
    if (isReply && error) {
      error.textContent = message; // the text stays in the box, and in the draft
      error.hidden = false;
      form.querySelector('[data-reply-body]')?.setAttribute('aria-invalid', 'true');
    } else {
      showFlash(article, message, true);
    }
  }
}

// ---- the pane: open a case beside the list -----------------------------------------------

function markOpen(caseId) {
  rows().forEach((row) => {
    const open = row.dataset.caseId === String(caseId);
    row.classList.toggle('is-open', open);
    if (open) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  });
}

async function openInPane(row, { push = true, focusPane = false } = {}) {
  const target = pane();
  if (!target || !row) return;
  const url = new URL(row.dataset.paneUrl, window.location.origin);
  const link = row.querySelector('.case-link');
  const here = new URL(link.href, window.location.origin);
  here.hash = '';
  url.searchParams.set('back', here.pathname + here.search);
  try {
    const article = await fetchCase(url);
    if (!article) return;
    target.replaceChildren(article);
    target.scrollTop = 0;
    restoreDraft(article);
  } catch {
    window.location.assign(link.href); // let the server say what is wrong
    return;
  }
  const view = workview();
  view.dataset.here = here.pathname + here.search;
  view.classList.add('has-open');
  markOpen(row.dataset.caseId);
  if (push) window.history.pushState({ caseId: row.dataset.caseId }, '', here.pathname + here.search);
  if (focusPane) target.focus({ preventScroll: true });
}

function onListClick(event) {
  const link = event.target.closest?.('[data-inbox-list] .case-link');
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  if (!pane() || !window.matchMedia(WIDE).matches) return; // a phone: list, then the case below
  event.preventDefault();
  const row = link.closest('.case-row');
  setCursor(row);
  openInPane(row);
}

function onPopState() {
  const caseId = new URLSearchParams(window.location.search).get('case');
  const row = caseId && document.querySelector(`[data-inbox-list] [data-case-id="${caseId}"]`);
  if (row) openInPane(row, { push: false });
  else if (workview()) window.location.reload();
}

// ---- keyboard ------------------------------------------------------------------------------

function cursorRow() {
  return document.querySelector('[data-inbox-list] .case-row.is-cursor')
    || document.querySelector('[data-inbox-list] .case-row.is-open');
}

function setCursor(row) {
  rows().forEach((r) => r.classList.toggle('is-cursor', r === row));
  row?.scrollIntoView({ block: 'nearest' });
}

function move(step) {
  const all = rows();
  if (!all.length) return;
  const current = all.indexOf(cursorRow());
  const next = all[Math.min(all.length - 1, Math.max(0, current < 0 ? 0 : current + step))];
  setCursor(next);
  next.querySelector('.case-link')?.focus({ preventScroll: true });
  if (pane() && window.matchMedia(WIDE).matches) openInPane(next);
}

function openCursor() {
  const row = cursorRow();
  if (!row) return;
  if (pane() && window.matchMedia(WIDE).matches) openInPane(row, { focusPane: true });
  else window.location.assign(row.querySelector('.case-link').href);
}

function press(selector) {
  const article = openCase();
  if (article?.getAttribute('aria-busy') === 'true') {
    queuedPress = selector;
    return;
  }
  const control = article?.querySelector(selector);
  if (control && !control.disabled) control.click();
}

function playQueuedPress() {
  const selector = queuedPress;
  queuedPress = null;
  if (selector) press(selector);
}

function focusIn(selector) {
  const article = openCase();
  const control = article?.querySelector(selector);
  if (!control) return;
  if (control.disabled) {
    const why = article.querySelector('#reply-unavailable'); // say why instead of doing nothing
    if (why) {
      why.tabIndex = -1;
      why.scrollIntoView({ block: 'center' });
      why.focus();
    }
    return;
  }
  control.scrollIntoView({ block: 'center' });
  control.focus();
}

function toggleHelp() {
  const help = document.querySelector('[data-shortcuts-help]');
  if (!help) return;
  if (help.open) help.close();
  else help.showModal();
}

const KEYS = {
  j: () => move(1),
  k: () => move(-1),
  o: openCursor,
  s: () => {
    const box = cursorRow()?.querySelector('.case-select');
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    }
  },
  a: () => press('[data-shortcut="assign-me"]'),
  r: () => focusIn('[data-shortcut="reply"]'),
  e: () => focusIn('[data-shortcut="escalate"]'),
  x: () => press('[data-shortcut="resolve"]'),
  '?': toggleHelp,
};

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest?.(TYPING)) {
    if (event.key === 'Escape' && !target.closest('dialog')) target.blur(); // back to shortcuts
    return;
  }
  if (document.querySelector('[data-shortcuts-help][open]') && event.key !== '?') return;
  if (event.key === 'Enter' && target.closest?.('.case-row') && !target.closest('.case-link')) {
    openCursor();
    return;
  }
  const action = KEYS[event.key];
  if (!action || (!openCase() && !workview())) return;
  event.preventDefault();
  action();
}

// ---- bulk selection ----------------------------------------------------------------------

function countSelection() {
  const form = document.querySelector('[data-bulk-form]');
  const label = form?.querySelector('[data-bulk-count]');
  if (!label) return;
  const n = document.querySelectorAll('[data-inbox-list] .case-select:checked').length;
  label.textContent = n === 0 ? label.dataset.none : n === 1 ? label.dataset.one : label.dataset.many.replace('{n}', String(n));
  form.classList.toggle('has-selection', n > 0);
}

export function startWorkview() {
  document.addEventListener('submit', submitCaseForm);
  document.addEventListener('input', saveDraft);
  restoreDraft();
  if (!workview() && !openCase()) return;
  document.addEventListener('keydown', onKey);
  document.querySelector('[data-shortcuts-open]')?.removeAttribute('hidden');
  document.querySelector('[data-shortcuts-open]')?.addEventListener('click', toggleHelp);
  if (!workview()) return;
  document.addEventListener('click', onListClick);
  document.addEventListener('change', (event) => {
    if (event.target.closest?.('.case-select')) countSelection();
  });
  window.addEventListener('popstate', onPopState);
  countSelection();
  const open = document.querySelector('[data-inbox-list] .case-row.is-open');
  if (open && window.matchMedia(WIDE).matches) setCursor(open); // on a phone the page jumps to the case
}
