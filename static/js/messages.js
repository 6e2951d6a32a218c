// Messaging: the nav's unread badge, the live conversation list, and the conversation page
// (read position, "read by", threads, typing and presence; sending, editing and deleting are in
// messages_writing.js).
//
// Durable changes arrive as `live:message`, `live:conversation` and `live:read` (live.js
// de-duplicates them by event_id and catches up after a reconnect). The page then asks the
// server for the messages after the last one it shows, so it never shows a gap or a message
// twice. Typing and presence are ephemeral socket signals, never replayed.

import { getFragment, getJSON, postForm, sendJSON } from './http.js';
import { startComposer, startOwnMessageActions } from './messages_writing.js';

const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 6000;
const myId = () => Number(document.body.dataset.userId || 0);

// ---- the nav badge (every page) ------------------------------------------------------------------

let badgeTimer = null;
function refreshBadge() {
  clearTimeout(badgeTimer);
  badgeTimer = setTimeout(async () => {
    try {
      setBadge((await getJSON('/api/v1/conversations/unread')).total);
    } catch {
      // the next event tries again
    }
  }, 250);
}

function setBadge(total) {
  const badge = document.querySelector('[data-messages-badge]');
  if (!badge || typeof total !== 'number') return;
  const label = badge.querySelector('.visually-hidden');
  badge.textContent = String(total);
  if (label) badge.append(label);
  badge.hidden = total === 0;
}

// ---- the conversation list (/messages) -----------------------------------------------------------

async function refreshItem(list, conversationId, { toTop = false, remove = false } = {}) {
  const old = list.querySelector(`[data-conversation-id="${Number(conversationId)}"]`);
  if (remove) {
    old?.remove();
  } else {
    try {
      const url = list.dataset.itemUrl.replace('/0/', `/${Number(conversationId)}/`);
      const fresh = await getFragment(url);
      if (old && !toTop) old.replaceWith(fresh);
      else {
        old?.remove();
        list.prepend(fresh);
      }
    } catch {
      old?.remove(); // 404: no longer mine
    }
  }
  list.hidden = !list.children.length;
  const empty = document.querySelector('[data-conversation-list-empty]');
  if (empty) empty.hidden = !list.hidden;
}

function startList(list) {
  document.addEventListener('live:message', (e) => refreshItem(list, e.detail.conversation_id, { toTop: e.detail.op === 'add' }));
  document.addEventListener('live:read', (e) => {
    if (e.detail.user_id === myId()) refreshItem(list, e.detail.conversation_id);
  });
  document.addEventListener('live:conversation', (e) => {
    const gone = e.detail.op === 'leave' && e.detail.user_id === myId();
    refreshItem(list, e.detail.id, { toTop: e.detail.op === 'add', remove: gone });
  });
}

// ---- one conversation (/messages/<id>) -----------------------------------------------------------

function conversationPage(root, socket) {
  const id = Number(root.dataset.conversationId);
  const list = root.querySelector('[data-messages]');
  const typingBox = root.querySelector('[data-typing]');
  const readByBox = root.querySelector('[data-read-by]');
  const positions = JSON.parse(root.dataset.readPositions || '{}');
  const state = { last: Number(root.dataset.lastMessageId || 0), loading: false, again: false, read: 0,
    seen: Number(root.dataset.lastSeen || 0) }; // seen: the newest id shown anywhere (threads too)
  const slot = document.querySelector('[data-thread-slot]');
  const openThread = () => Number(slot?.querySelector('[data-thread]')?.dataset.thread || 0);
  const typers = new Map();
  let lastTypingSent = 0;

  const visible = () => document.visibilityState === 'visible';
  const lastMine = () => [...list.querySelectorAll('.message')].pop();

  function showReadBy() {
    const last = lastMine();
    if (!readByBox || !last) return;
    const names = [...root.querySelectorAll('[data-participant]')]
      .filter((p) => Number(positions[p.dataset.participant] || 0) >= Number(last.dataset.messageId))
      .map((p) => p.dataset.name);
    readByBox.textContent = names.length ? root.dataset.i18nReadBy.replace('{names}', names.join(', ')) : '';
  }

  async function markRead() {
    const upTo = Math.max(state.last, state.seen);
    if (!visible() || upTo <= state.read) return;
    state.read = upTo;
    try {
      const result = await sendJSON('POST', `${root.dataset.apiUrl}/read`, { message_id: upTo });
      setBadge(result.unread_total);
    } catch {
      state.read = 0; // try again with the next message or when the page shows again
    }
  }

  /** A reply goes to its open thread (or nowhere: its root shows the count); a root shown at
   * the top of the open thread is refreshed there too. */
  function insertReply(li) {
    const replies = slot?.querySelector('[data-thread-replies]');
    if (!replies || Number(li.dataset.replyTo) !== openThread()) return;
    const existing = replies.querySelector(`[data-message-id="${Number(li.dataset.messageId)}"]`);
    if (existing) existing.replaceWith(li);
    else replies.append(li);
  }

  function insert(fragment) {
    [...fragment.children].forEach((li) => {
      const mid = Number(li.dataset.messageId);
      state.seen = Math.max(state.seen, mid);
      if (li.dataset.replyTo) {
        insertReply(li);
        return;
      }
      const copy = slot?.querySelector(`[data-thread] [id="thread-root-${mid}"]`);
      if (copy) {
        const twin = li.cloneNode(true);
        twin.id = `thread-root-${mid}`;
        copy.replaceWith(twin);
      }
      const existing = list.querySelector(`[data-message-id="${mid}"]`);
      if (existing) existing.replaceWith(li);
      else if (mid > state.last) list.append(li);
      state.last = Math.max(state.last, mid);
    });
    root.querySelector('[data-no-messages]')?.remove();
    showReadBy();
  }

  async function fetchFragment(query) {
    const res = await fetch(`${root.dataset.fragmentsUrl}?${query}`, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (res.status === 404) window.location.assign('/messages');
    if (!res.ok) return null;
    const template = document.createElement('template');
    template.innerHTML = (await res.text()).trim();
    return template.content;
  }

  /** Everything after the last message shown, one request at a time (no gaps, no doubles). */
  async function loadNew() {
    if (state.loading) {
      state.again = true;
      return;
    }
    state.loading = true;
    try {
      do {
        state.again = false;
        const fragment = await fetchFragment(`after=${state.last}`);
        if (fragment) insert(fragment);
      } while (state.again);
      list.lastElementChild?.scrollIntoView({ block: 'end' });
      markRead();
    } finally {
      state.loading = false;
    }
  }

  async function refreshOne(mid) {
    const fragment = await fetchFragment(`only=${Number(mid)}`);
    if (fragment) insert(fragment);
  }

  function showTyping() {
    const names = [...typers.keys()].map((uid) => root.querySelector(`[data-participant="${uid}"]`)?.dataset.name).filter(Boolean);
    typingBox.hidden = !names.length;
    typingBox.textContent = names.length ? root.dataset.i18nTyping.replace('{name}', names.join(', ')) : '';
  }

  function onTyping(data) {
    if (data?.conversation_id !== id || data.user_id === myId()) return;
    clearTimeout(typers.get(data.user_id));
    if (data.typing) typers.set(data.user_id, setTimeout(() => { typers.delete(data.user_id); showTyping(); }, TYPING_SHOWN_MS));
    else typers.delete(data.user_id);
    showTyping();
  }

  function onPresence(data) {
    (data?.states ?? []).forEach(({ user_id: uid, state }) => {
      const badge = root.querySelector(`[data-participant="${Number(uid)}"] [data-presence]`);
      if (!badge || !['online', 'away', 'offline'].includes(state)) return;
      badge.className = `presence presence-${state}`;
      badge.textContent = root.dataset[`i18n${state[0].toUpperCase()}${state.slice(1)}`];
    });
  }

  async function loadThread(rootId, { focus = false } = {}) {
    if (!slot) return;
    const res = await fetch(root.dataset.threadUrl.replace(/\/0$/, `/${Number(rootId)}`), { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (!res.ok) return;
    const typed = slot.querySelector('[data-thread-composer] textarea')?.value ?? '';
    const sameThread = openThread() === Number(rootId);
    slot.innerHTML = await res.text();
    root.closest('.chat-layout')?.classList.add('has-thread');
    const area = slot.querySelector('[data-thread-composer] textarea');
    if (area && sameThread) area.value = typed; // a live refresh never loses what is being typed
    slot.querySelectorAll('.message').forEach((li) => { state.seen = Math.max(state.seen, Number(li.dataset.messageId)); });
    if (focus) area?.focus();
    markRead();
  }

  function closeThread() {
    const rootId = openThread();
    slot.innerHTML = '';
    root.closest('.chat-layout')?.classList.remove('has-thread');
    list.querySelector(`[data-message-id="${rootId}"] [data-open-thread]`)?.focus();
  }

  slot?.addEventListener('click', (event) => {
    if (!event.target.closest('[data-close-thread]')) return;
    event.preventDefault();
    closeThread();
  });
  slot?.addEventListener('submit', async (event) => {
    const form = event.target.closest('[data-thread-composer]');
    if (!form) return;
    event.preventDefault();
    const area = form.querySelector('textarea');
    const error = form.querySelector('[data-composer-error]');
    if (!area.value.trim()) return;
    try {
      await sendJSON('POST', `${root.dataset.apiUrl}/messages`, { body: area.value, reply_to: openThread() });
      area.value = '';
      await loadThread(openThread(), { focus: true });
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  });
  root.closest('.chat-layout')?.addEventListener('click', (event) => {
    const opener = event.target.closest('[data-open-thread]');
    if (!opener || !list.contains(opener) || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    loadThread(opener.dataset.openThread, { focus: true });
  });
  root.closest('.chat-layout')?.addEventListener('submit', async (event) => {
    const form = event.target.closest('[data-message-react]');
    if (!form) return;
    event.preventDefault();
    form.querySelector('details')?.removeAttribute('open');
    const mid = Number(form.closest('.message')?.dataset.messageId);
    try {
      await postForm(form.action, new FormData(form, event.submitter));
      await refreshOne(mid);
    } catch (failure) {
      window.alert(failure.message);
    }
  });

  document.addEventListener('live:message', (e) => {
    if (e.detail.conversation_id !== id) return;
    if (e.detail.op === 'add' && e.detail.reply_to) {
      state.seen = Math.max(state.seen, e.detail.id);
      refreshOne(e.detail.reply_to);
      if (openThread() === e.detail.reply_to) loadThread(e.detail.reply_to);
      else markRead();
    } else if (e.detail.op === 'add') loadNew();
    else refreshOne(e.detail.id);
  });
  document.addEventListener('live:read', (e) => {
    if (e.detail.conversation_id !== id) return;
    positions[e.detail.user_id] = Math.max(Number(positions[e.detail.user_id] || 0), e.detail.message_id);
    showReadBy();
  });
  document.addEventListener('live:conversation', (e) => {
    if (e.detail.id !== id) return;
    if (e.detail.op === 'leave' && e.detail.user_id === myId()) window.location.assign('/messages');
    else if (e.detail.op === 'members' || e.detail.op === 'update' || e.detail.op === 'leave') {
      root.dataset.stale = 'true'; // names and people change on the next visit
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (visible()) loadNew();
  });

  if (socket) {
    const focus = () => socket.emit('focus', { conversation_id: id });
    socket.on('connect', focus);
    if (socket.connected) focus();
    socket.on('typing', onTyping);
    socket.on('presence', onPresence);
  }
  startComposer(root, socket, id, () => loadNew(), () => {
    const now = Date.now();
    if (socket && now - lastTypingSent > TYPING_EVERY_MS) {
      lastTypingSent = now;
      socket.emit('typing', { conversation_id: id, typing: true });
    }
  });
  startOwnMessageActions(list, refreshOne);
  if (slot) startOwnMessageActions(slot, refreshOne);
  showReadBy();
  markRead();
  list.lastElementChild?.scrollIntoView({ block: 'end' });
}

// ---- presence: this page tells the server whether it is looked at -------------------------------

function startPresence(socket) {
  const report = () => socket.emit('presence', { state: document.visibilityState === 'visible' ? 'online' : 'away' });
  document.addEventListener('visibilitychange', report);
  socket.on('connect', report);
}

export function startMessages(live) {
  const socket = live?.socket ?? null;
  document.addEventListener('live:message', (e) => {
    if (e.detail.author_id !== myId()) refreshBadge();
  });
  document.addEventListener('live:read', (e) => {
    if (e.detail.user_id === myId()) refreshBadge();
  });
  document.addEventListener('live:conversation', (e) => {
    if (['leave', 'mute'].includes(e.detail.op)) refreshBadge();
  });
  if (socket) startPresence(socket);
  const list = document.querySelector('[data-conversation-list]');
  if (list) startList(list);
  const root = document.querySelector('[data-conversation]');
  if (root) conversationPage(root, socket);
}
