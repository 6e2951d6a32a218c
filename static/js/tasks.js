// The task board: drag a card to another column, or focus it and press Alt+ArrowLeft/Right (or
// use its buttons, which also work without this script); other people's moves arrive live
// (`live:task`) and put the card where the server says it is now. "My tasks" follows live too.

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

// "My tasks": a task given to me (by name or to my service) elsewhere is created, changed,
// moved or taken from me; the server says whether it is mine now and renders its row
// (`?as=mine`: the row, or nothing), which goes where the page's order puts it.
function showParts(page) {
  page.querySelectorAll('[data-my-tasks]').forEach((table) => {
    const some = table.querySelector('tbody [data-task-id]') !== null;
    table.closest('.table-wrap').hidden = !some;
    if (table.dataset.myTasks === 'done') table.closest('[data-my-tasks-part]').hidden = !some;
    else page.querySelector('[data-my-tasks-empty]').hidden = some;
  });
}

function place(table, row) {
  const body = table.querySelector('tbody');
  const after = [...body.children].find((other) => other.dataset.sort > row.dataset.sort);
  body.insertBefore(row, after ?? null);
  const limit = Number(table.dataset.limit || 0);
  while (limit && body.children.length > limit) body.lastElementChild.remove();
}

async function refreshMine(page, id, op) {
  let row = null;
  if (op !== 'remove') {
    try {
      row = await getFragment(`/tasks/${id}/card?as=mine`);
    } catch (err) {
      if (err.status !== 404) return; // the server could not say: the page stays as it is
      // 404: gone, or no longer readable: not mine any more
    }
  }
  // read again after the wait: two events about one task may both have fetched its row
  page.querySelectorAll(`[data-my-tasks] [data-task-id="${id}"]`).forEach((el) => el.remove());
  if (row) {
    const which = row.dataset.status === 'done' ? 'done' : 'open';
    const table = page.querySelector(`[data-my-tasks="${which}"]`);
    if (table) place(table, row);
  }
  showParts(page);
}

function startMine(page) {
  document.addEventListener('live:task', (e) => {
    const { id, op } = e.detail || {};
    if (id !== undefined) refreshMine(page, id, op);
  });
}

export function startTasks() {
  const mine = document.querySelector('[data-my-tasks-page]');
  if (mine) startMine(mine);
  const page = document.querySelector('[data-task-page]');
  if (page) startTaskPage(page);
  const board = document.querySelector('[data-task-board]');
  if (board) startBoard(board);
  const table = document.querySelector('[data-task-list]');
  if (table) startList(table);
}
