// The task board: drag a card to another column, or focus it and press Alt+ArrowLeft/Right (or
// use its buttons, which also work without this script); other people's moves arrive live
// (`live:task`) and put the card where the server says it is now.

import { getFragment, postForm } from './http.js';

const ORDER = ['open', 'in_progress', 'done'];

function column(board, status) {
  return board.querySelector(`[data-drop="${status}"]`);
}

function recount(board) {
  board.querySelectorAll('[data-column]').forEach((col) => {
    const count = col.querySelector('[data-column-count]');
    if (count) count.textContent = String(col.querySelectorAll('[data-task-id]').length);
  });
}

function say(board, text) {
  let status = board.querySelector('[data-board-status]');
  if (!status) {
    status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    status.dataset.boardStatus = '';
    board.prepend(status);
  }
  status.textContent = text;
}

async function refreshCard(board, id, focus = false) {
  const selector = `[data-task-id="${id}"]`;
  let fresh;
  try {
    fresh = await getFragment(`/tasks/${id}/card`);
  } catch (err) {
    if (err.status === 404) board.querySelectorAll(selector).forEach((el) => el.remove());
    recount(board);
    return;
  }
  const target = column(board, fresh.dataset.status);
  if (!target) return;
  // read again after the wait: the live event and my own move may both be fetching this card
  board.querySelectorAll(selector).forEach((el) => el.remove());
  target.prepend(fresh);
  recount(board);
  if (focus) fresh.focus();
}

async function move(board, card, status) {
  if (!ORDER.includes(status) || card.dataset.status === status) return;
  const form = new FormData();
  form.append('status', status);
  try {
    await postForm(`/tasks/${card.dataset.taskId}/status`, form);
    await refreshCard(board, card.dataset.taskId, true);
    const title = card.querySelector('.task-title')?.textContent?.trim() ?? '';
    const heading = board.querySelector(`#col-${status}`)?.firstChild?.textContent?.trim() ?? status;
    say(board, `${title} → ${heading}`);
  } catch (err) {
    say(board, err.message);
  }
}

function startBoard(board) {
  board.addEventListener('dragstart', (e) => {
    const card = e.target.closest?.('[data-task-movable]');
    if (!card) return;
    e.dataTransfer.setData('text/plain', card.dataset.taskId);
    e.dataTransfer.effectAllowed = 'move';
    card.classList.add('is-dragging');
  });
  board.addEventListener('dragend', (e) => e.target.classList?.remove('is-dragging'));
  board.querySelectorAll('[data-drop]').forEach((zone) => {
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('is-over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('is-over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('is-over');
      const card = board.querySelector(`[data-task-id="${e.dataTransfer.getData('text/plain')}"]`);
      if (card) move(board, card, zone.dataset.drop);
    });
  });
  board.addEventListener('submit', (e) => {
    const form = e.target.closest('[data-task-move]');
    if (!form) return;
    e.preventDefault();
    const card = form.closest('[data-task-id]');
    const status = e.submitter?.value;
    if (card && status) move(board, card, status);
  });
  board.addEventListener('keydown', (e) => {
    const card = e.target.closest?.('[data-task-movable]');
    if (!card || !e.altKey || !['ArrowLeft', 'ArrowRight'].includes(e.key)) return;
    e.preventDefault();
    const next = ORDER.indexOf(card.dataset.status) + (e.key === 'ArrowLeft' ? -1 : 1);
    if (next >= 0 && next < ORDER.length) move(board, card, ORDER[next]);
  });
  document.addEventListener('live:task', (e) => {
    const { id, group_id: groupId } = e.detail || {};
    if (String(groupId) !== board.dataset.groupId) return;
    refreshCard(board, id);
  });
}

function startList(table) {
  document.addEventListener('live:task', async (e) => {
    const { id, group_id: groupId, op } = e.detail || {};
    if (String(groupId) !== table.dataset.groupId) return;
    const old = table.querySelector(`[data-task-id="${id}"]`);
    if (op === 'remove') {
      old?.remove();
      return;
    }
    try {
      const row = await getFragment(`/tasks/${id}/card?as=row`);
      if (old) old.replaceWith(row);
      else table.querySelector('tbody')?.prepend(row);
    } catch {
      old?.remove();
    }
  });
}

// The task's own page: someone else changed it; say so (the form state on the page stays).
function startTaskPage(section) {
  document.addEventListener('live:task', (e) => {
    const { id, op } = e.detail || {};
    if (String(id) !== section.dataset.taskId || section.querySelector('[data-task-changed]')) return;
    const note = document.createElement('p');
    note.className = 'notice';
    note.setAttribute('role', 'status');
    note.dataset.taskChanged = '';
    const link = document.createElement('a');
    link.href = window.location.pathname;
    link.textContent = op === 'remove' ? section.dataset.i18nRemoved : section.dataset.i18nChanged;
    note.append(link);
    section.prepend(note);
  });
}

export function startTasks() {
  const page = document.querySelector('[data-task-page]');
  if (page) startTaskPage(page);
  const board = document.querySelector('[data-task-board]');
  if (board) startBoard(board);
  const table = document.querySelector('[data-task-list]');
  if (table) startList(table);
}
