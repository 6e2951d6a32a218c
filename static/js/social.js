// Polls (vote without leaving the page, results swapped in live) and the composer's draft, kept
// on the server as one types (per person and place) so it survives a closed tab or another device.

import { getFragment, postForm } from './http.js';

const DRAFT_DELAY_MS = 1500;
const timers = new WeakMap();

async function refreshPoll(postId) {
  const boxes = document.querySelectorAll(`[data-poll="${Number(postId)}"]`);
  if (!boxes.length) return;
  try {
    const fresh = await getFragment(boxes[0].dataset.pollUrl);
    boxes.forEach((box) => {
      const focused = box.contains(document.activeElement);
      const copy = fresh.cloneNode(true);
      box.replaceWith(copy);
      if (focused) copy.querySelector('input, button')?.focus();
    });
  } catch {
    // no longer readable: leave the page as it is
  }
}

function showError(form, message) {
  const box = form.querySelector('[data-form-error]');
  if (!box) return;
  box.textContent = message;
  box.hidden = !message;
}

async function onVote(form) {
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    showError(form, '');
    await postForm(form.action, new FormData(form));
    await refreshPoll(form.closest('[data-poll]')?.dataset.poll);
  } catch (error) {
    showError(form, error.message);
    if (button) button.disabled = false;
  }
}

function placeOf(textarea) {
  const select = textarea.form?.querySelector('[data-target-select]');
  return select ? select.value : textarea.dataset.draftPlace || '';
}

function saveDraft(textarea) {
  const data = new FormData();
  data.set('group_id', placeOf(textarea));
  data.set('body', textarea.value);
  postForm(textarea.dataset.draftUrl, data).catch(() => {
    // best effort: the text is still in the page
  });
}

function onInput(event) {
  const textarea = event.target;
  if (!textarea.matches?.('textarea[data-draft-url]')) return;
  clearTimeout(timers.get(textarea));
  timers.set(textarea, setTimeout(() => saveDraft(textarea), DRAFT_DELAY_MS));
}

function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const textarea = form.querySelector('textarea[data-draft-url]');
  if (textarea) clearTimeout(timers.get(textarea)); // publishing ends the draft on the server
  if (!form.matches('[data-vote-form]')) return;
  event.preventDefault();
  onVote(form);
}

export function startSocial() {
  document.addEventListener('submit', onSubmit, true);
  document.addEventListener('input', onInput);
  document.addEventListener('live:poll', ({ detail }) => refreshPoll(detail.post_id ?? detail.id));
}
