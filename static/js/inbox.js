// The inbox, live: rows appear and change without reload (the "case" event goes to the agents
// and leads of the case's service), the nav badge follows, and on a case page the timeline
// refreshes when the case or its escalation thread changes. Also: canned replies into the composer.

import { getFragment, getJSON } from './http.js';
import { replaceRow } from './workview.js';

async function refreshBadge() {
  const badge = document.querySelector('[data-inbox-badge]');
  if (!badge) return;
  try {
    const { count } = await getJSON(badge.dataset.countUrl);
    const label = badge.querySelector('.visually-hidden');
    badge.textContent = String(count);
    if (label) badge.append(label);
    badge.hidden = count === 0;
  } catch {
    // keep the old number; the next event tries again
  }
}

async function updateRow(list, id, isNew) {
  const existing = list.querySelector(`[data-case-id="${id}"]`);
  if (!existing && !(isNew && list.dataset.liveInsert === 'true')) return;
  let row;
  try {
    const query = list.closest('[data-workview]')?.dataset.listQuery || '';
    row = await getFragment(`/inbox/cases/${encodeURIComponent(id)}/row?${query}`);
  } catch {
    return; // not mine (any more), or gone
  }
  if (!row) return;
  row.classList.add('is-fresh');
  if (existing) replaceRow(existing, row);
  else list.prepend(row);
  document.querySelector('[data-inbox-empty]')?.remove();
}

async function refreshCase(page) {
  // The simplest correct refresh: fetch this page again and swap the parts that change.
  const res = await fetch(page.dataset.timelineUrl, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) return;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const selector of ['[data-timeline]', '[data-case-status]', '[data-reply-list]']) {
    const fresh = doc.querySelector(selector);
    const current = document.querySelector(selector);
    if (fresh && current) current.replaceWith(fresh);
  }
  page.dataset.refreshed = String(Number(page.dataset.refreshed || 0) + 1);
}

function insertCanned(event) {
  const button = event.target.closest?.('[data-canned-insert]');
  if (!button) return;
  const form = button.closest('form');
  const option = form.querySelector('[data-canned]')?.selectedOptions[0];
  const body = form.querySelector('[data-reply-body]');
  if (!option || !body) return;
  body.value = body.value ? `${body.value}\n${option.dataset.body}` : option.dataset.body;
  body.focus();
}

export function startInbox() {
  document.addEventListener('click', insertCanned);
  document.addEventListener('live:case', (event) => {
    refreshBadge();
    const list = document.querySelector('[data-inbox-list]');
    const { detail } = event;
    const wanted = list?.dataset.serviceFilter;
    const isNew = (detail.op === 'add' || detail.op === 'batch')
      && (!wanted || String(detail.service_id) === wanted);
    const ids = detail.op === 'batch' ? [...(detail.ids ?? [])].sort((a, b) => a - b) : [detail.id];
    if (list) ids.forEach((id) => updateRow(list, id, isNew));
    const page = document.querySelector('[data-case-page]');
    if (page && String(event.detail.id) === page.dataset.caseId) refreshCase(page);
  });
  document.addEventListener('live:comment', (event) => {
    const page = document.querySelector('[data-case-page]');
    if (page && page.dataset.postId && String(event.detail.post_id) === page.dataset.postId) refreshCase(page);
  });
}
