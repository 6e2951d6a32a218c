// Post cards and comments: enhance their forms with fetch, and apply live events to the page.

import { getFragment, postForm } from './http.js';

const myId = () => Number(document.body.dataset.userId || 0);
const cardsOf = (postId) => document.querySelectorAll(`.post[data-post-id="${Number(postId)}"]`);
const liveFeed = () => document.querySelector('[data-live-feed]');
const postPage = () => document.querySelector('[data-post-page]');

function markEmpty(container) {
  if (!container) return;
  const empty = container.querySelector('[data-empty]') ?? container.parentElement?.querySelector('[data-empty]');
  if (empty) empty.hidden = container.querySelector('.post, .comment') !== null;
}

function showError(form, message) {
  const box = form.querySelector('[data-form-error]');
  if (box) {
    box.textContent = message;
    box.hidden = !message;
  } else if (message) {
    window.alert(message);
  }
}

async function busy(form, work) {
  const buttons = form.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    showError(form, '');
    await work();
  } catch (error) {
    showError(form, error.message);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// ---- what a card shows -------------------------------------------------------------------------

function setCounts(postId, counts, { mine = null } = {}) {
  cardsOf(postId).forEach((card) => {
    card.querySelectorAll('.reaction[data-kind]').forEach((button) => {
      const n = counts?.[button.dataset.kind] ?? 0;
      button.querySelector('[data-count]').textContent = n ? String(n) : '';
      button.classList.toggle('is-zero', !n);
      if (mine && mine.kind === button.dataset.kind) button.setAttribute('aria-pressed', String(mine.on));
    });
  });
}

/** "1 comment" / "2 comments" (French: "0 commentaire"), with the words the card carries in
 * data-one / data-other. The word is the element's text, or its last text node after the count. */
function setCountWord(el, n) {
  if (!el?.dataset.other) return;
  const form = new Intl.PluralRules(document.documentElement.lang || 'en').select(n);
  const word = form === 'one' ? el.dataset.one : el.dataset.other;
  const last = el.lastChild;
  if (el.children.length && last?.nodeType === Node.TEXT_NODE) last.textContent = ` ${word}`;
  else if (!el.children.length) el.textContent = word;
}

function setCommentCount(postId, n) {
  if (typeof n !== 'number') return;
  cardsOf(postId).forEach((card) => {
    const span = card.querySelector('[data-comment-count]');
    if (span) span.textContent = String(n);
    setCountWord(card.querySelector('.comments-word'), n);
  });
  document.querySelectorAll(`[data-comment-count-for="${Number(postId)}"]`).forEach((el) => {
    el.textContent = String(n);
  });
}

async function refreshCards(postId) {
  const cards = cardsOf(postId);
  if (!cards.length) return;
  try {
    const fresh = await getFragment(cards[0].dataset.cardUrl);
    cards.forEach((card) => card.replaceWith(fresh.cloneNode(true)));
  } catch {
    cards.forEach((card) => card.remove()); // no longer visible to me
  }
}

function belongsHere(feed, groupId) {
  if (feed.dataset.feed === 'home') return true; // my events are company- or my groups'
  if (feed.dataset.feed === 'group') return String(groupId ?? '') === feed.dataset.feedGroupId;
  return false;
}

/** Cards fetched concurrently (catch-up after a reconnect) may arrive in any order: keep the
 * feed newest first by putting each before the first older card. */
function placeNewestFirst(feed, card, postId) {
  const cards = [...feed.querySelectorAll(':scope > .post')];
  const older = cards.find((el) => Number(el.dataset.postId) < postId);
  if (older) older.before(card);
  else if (cards.length) cards[cards.length - 1].after(card);
  else feed.prepend(card);
}

async function insertPost(postId) {
  const feed = liveFeed();
  if (!feed || feed.querySelector(`.post[data-post-id="${Number(postId)}"]`)) return;
  try {
    const card = await getFragment(`/posts/${Number(postId)}/card`);
    if (feed.querySelector(`.post[data-post-id="${Number(postId)}"]`)) return;
    card.classList.add('is-new');
    placeNewestFirst(feed, card, Number(postId));
    markEmpty(feed);
  } catch {
    // not readable (any more): nothing to show
  }
}

async function insertComment(commentId, postId) {
  const list = document.querySelector(`[data-comment-list="${Number(postId)}"]`);
  if (!list || list.querySelector(`[data-comment-id="${Number(commentId)}"]`)) return;
  try {
    const item = await getFragment(`/comments/${Number(commentId)}/card`);
    if (list.querySelector(`[data-comment-id="${Number(commentId)}"]`)) return;
    item.classList.add('is-new');
    // In id order, whatever order the fragments arrive in (a catch-up fetches several at once).
    const later = [...list.querySelectorAll(':scope > [data-comment-id]')]
      .find((el) => Number(el.dataset.commentId) > Number(commentId));
    list.insertBefore(item, later ?? null);
    markEmpty(list);
  } catch {
    // deleted meanwhile
  }
}

// ---- forms -------------------------------------------------------------------------------------

async function onReact(form, submitter) {
  const data = new FormData(form);
  if (submitter?.name) data.set(submitter.name, submitter.value);
  const postId = form.closest('.post')?.dataset.postId;
  const result = await postForm(form.action, data);
  setCounts(postId, result.counts, { mine: { kind: submitter?.value, on: result.on } });
}

async function onComposer(form) {
  const result = await postForm(form.action, new FormData(form));
  form.querySelectorAll('textarea').forEach((t) => { t.defaultValue = ''; }); // not back to a draft
  form.reset();
  form.querySelector('textarea')?.focus();
  if (result.scheduled_id) window.location.assign(result.url); // to my scheduled posts
  else if (liveFeed()) await insertPost(result.id);
  else window.location.assign(result.url);
}

async function onComment(form) {
  const result = await postForm(form.action, new FormData(form));
  form.reset();
  await insertComment(result.id, result.post_id);
}

async function onRemove(form) {
  await postForm(form.action, new FormData(form));
  const comment = form.closest('.comment');
  if (comment) {
    const list = comment.parentElement;
    comment.remove();
    markEmpty(list);
    return;
  }
  const postId = form.closest('.post')?.dataset.postId;
  cardsOf(postId).forEach((card) => card.remove());
  markEmpty(liveFeed());
}

function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  let handler = null;
  if (form.matches('[data-react-form]')) handler = () => onReact(form, event.submitter);
  else if (form.matches('[data-composer]')) handler = () => onComposer(form);
  else if (form.matches('[data-comment-form]')) handler = () => onComment(form);
  else if (form.matches('[data-ack-form]')) {
    handler = async () => {
      await postForm(form.action, new FormData(form));
      await refreshCards(form.closest('.post')?.dataset.postId);
    };
  } else if (form.matches('[data-remove-form]') && !(postPage() && !form.closest('.comment'))) {
    handler = () => onRemove(form); // on a post's own page, deleting it navigates away (plain form)
  }
  if (!handler) return;
  event.preventDefault();
  busy(form, handler);
}

function onTargetChange(event) {
  const select = event.target;
  if (!select.matches?.('[data-target-select]')) return;
  syncAnnounce(select);
}

function syncAnnounce(select) {
  const option = select.closest('form')?.querySelector('[data-announce-option]');
  if (!option) return;
  const allowed = select.selectedOptions[0]?.dataset.canAnnounce === '1';
  option.hidden = !allowed;
  if (!allowed) option.querySelector('input').checked = false;
}

// ---- live events -------------------------------------------------------------------------------

function onLivePost({ detail: ev }) {
  if (ev.op === 'add') {
    const feed = liveFeed();
    if (feed && belongsHere(feed, ev.group_id)) insertPost(ev.id);
  } else if (ev.op === 'update') {
    refreshCards(ev.id);
  } else if (ev.op === 'remove') {
    cardsOf(ev.id).forEach((card) => card.remove());
    markEmpty(liveFeed());
  } else if (ev.op === 'ack') {
    cardsOf(ev.id).forEach((card) => {
      const count = card.querySelector('[data-ack-count]');
      if (count && typeof ev.acks === 'number') {
        count.textContent = String(ev.acks);
        setCountWord(count.closest('[data-ack-word]'), ev.acks);
      }
    });
  }
}

function onLiveComment({ detail: ev }) {
  setCommentCount(ev.post_id, ev.comments);
  const list = document.querySelector(`[data-comment-list="${Number(ev.post_id)}"]`);
  if (!list) return;
  if (ev.op === 'add') insertComment(ev.id, ev.post_id);
  else if (ev.op === 'remove') {
    list.querySelector(`[data-comment-id="${Number(ev.id)}"]`)?.remove();
    markEmpty(list);
  } else if (ev.op === 'update') {
    const old = list.querySelector(`[data-comment-id="${Number(ev.id)}"]`);
    if (old) getFragment(`/comments/${Number(ev.id)}/card`).then((fresh) => old.replaceWith(fresh)).catch(() => {});
  }
}

function onLiveReaction({ detail: ev }) {
  const mine = ev.user_id === myId() ? { kind: ev.kind, on: ev.op === 'add' } : null;
  setCounts(ev.post_id ?? ev.id, ev.counts, { mine });
}

function onLiveGroup({ detail: ev }) {
  const head = document.querySelector('.group-head[data-group-id]');
  if (head && Number(head.dataset.groupId) === ev.id && ev.user_id === myId()) window.location.reload();
}

export function startPosts() {
  document.addEventListener('submit', onSubmit);
  document.addEventListener('change', onTargetChange);
  document.querySelectorAll('[data-target-select]').forEach(syncAnnounce);
  document.addEventListener('live:post', onLivePost);
  document.addEventListener('live:comment', onLiveComment);
  document.addEventListener('live:reaction', onLiveReaction);
  document.addEventListener('live:group', onLiveGroup);
}
