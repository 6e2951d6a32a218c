// Live updates: one Socket.IO connection, plus a catch-up on every (re)connect.
//
// Every durable event has an increasing `event_id`, and ids become visible in id order (on
// PostgreSQL too: the server allocates them under a commit-order lock). Over the socket, though,
// two server processes may deliver event 11 before event 10. So an event is applied once, by id
// (never dropped for being lower than one already seen), and the catch-up cursor lags: it is the
// newest id the server confirmed (page render, catch-up answer) or received over the socket more
// than SETTLE_MS ago. A reconnect asks for everything after it; what was applied meanwhile is
// skipped by id. Page modules listen to `live:<type>` events on `document` (detail = the payload).
//
// The catch-up is asked over the socket that just connected (`catch_up`, acknowledged with the
// same answer as GET /api/v1/events): after a server restart every open page reconnects at once,
// and one HTTP request each (with its own authentication) kept people waiting. HTTP stays the
// fallback when the socket does not answer. bench/socket_clients.py mirrors this file.

import { getJSON, HttpError } from './http.js';

const TYPES = ['post', 'comment', 'reaction', 'notification', 'group', 'message', 'conversation', 'read',
  'case', 'incident', 'poll', 'task'];
const MAX_CATCH_UP_ROUNDS = 20;
const OFFLINE_NOTICE_DELAY_MS = 2500;
const CATCH_UP_TIMEOUT_MS = 10000;
const SETTLE_MS = 10000; // longer than any socket delivery lag between two server processes
const MAX_SEEN = 2000;
// socket.io-client's defaults, stated because the bench mimics them: the first retry 0.5-1.5 s
// after a drop, doubling to at most 5 s, each delay randomized by +-50 % so that a thousand pages
// losing the same server do not all come back in the same instant.
const RECONNECT = { reconnectionDelay: 1000, reconnectionDelayMax: 5000, randomizationFactor: 0.5 };

export function startLive({ body = document.body, ioFactory = window.io } = {}) {
  if (typeof ioFactory !== 'function' || !body.dataset.userId) return null;
  const state = {
    last: Number(body.dataset.lastEventId || 0), // the catch-up cursor (see above)
    floor: Number(body.dataset.lastEventId || 0), // every event up to here is on the page
    seen: new Set(), // ids applied since (the newest MAX_SEEN)
    recent: [], // [id, time received] of socket events not yet settled, oldest first
    catchingUp: false,
    queued: [],
  };
  const status = document.querySelector('[data-live-status]');
  let offlineTimer = null;

  function apply(payload, confirmed = false) {
    const id = payload?.event_id;
    if (typeof id !== 'number' || id <= state.floor || state.seen.has(id)) return;
    remember(id);
    if (confirmed) moveCursor(id);
    else state.recent.push([id, Date.now()]);
    document.dispatchEvent(new CustomEvent(`live:${payload.type}`, { detail: payload }));
  }

  function remember(id) {
    state.seen.add(id);
    if (state.seen.size <= MAX_SEEN) return;
    const oldest = Math.min(...state.seen);
    state.seen.delete(oldest);
    state.floor = Math.max(state.floor, oldest); // long past: anything this old is known
  }

  function settle() {
    const before = Date.now() - SETTLE_MS;
    while (state.recent.length && state.recent[0][1] <= before) moveCursor(state.recent.shift()[0]);
  }

  function moveCursor(id) {
    state.last = Math.max(state.last, id);
  }

  function receive(type, payload) {
    settle();
    const event = { ...payload, type: payload?.type ?? type };
    if (state.catchingUp) state.queued.push(event);
    else apply(event);
  }

  // A post's page also catches up on its post's events (comments, reactions, poll results),
  // which reach a reader outside the post's group through the post's room only.
  async function fetchAfter(after) {
    const postId = watchedPost();
    if (socket.connected) {
      try {
        const ask = postId ? { after, post_id: postId } : { after };
        const data = await socket.timeout(CATCH_UP_TIMEOUT_MS).emitWithAck('catch_up', ask);
        if (data?.ok) return data;
      } catch {
        // no answer in time: ask over HTTP below
      }
    }
    if (!body.dataset.eventsUrl) return { events: [], more: false };
    const post = postId ? `&post_id=${postId}` : '';
    return getJSON(`${body.dataset.eventsUrl}?after=${encodeURIComponent(after)}${post}`);
  }

  async function catchUp() {
    if (state.catchingUp) return;
    state.catchingUp = true;
    try {
      settle();
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round += 1) {
        const data = await fetchAfter(state.last);
        (data.events ?? []).forEach((event) => apply(event, true));
        if (typeof data.last_event_id === 'number') moveCursor(data.last_event_id);
        if (!data.more) return;
      }
      window.location.reload(); // far behind: a fresh page is cheaper than replaying everything
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) goToLogin();
      // Otherwise keep the live stream; the next reconnect tries again.
    } finally {
      state.catchingUp = false;
      state.queued.sort((a, b) => a.event_id - b.event_id).forEach((event) => apply(event));
      state.queued = [];
    }
  }

  function goToLogin() {
    window.location.assign(body.dataset.loginUrl || '/login');
  }

  function showOffline(offline) {
    body.dataset.liveState = offline ? 'offline' : 'online'; // a hook for styles and browser tests
    if (!status) return;
    if (!offline) {
      clearTimeout(offlineTimer);
      offlineTimer = null;
      status.hidden = true;
      return;
    }
    // Each failed reconnection attempt says "offline" again: keep the countdown already running,
    // or the notice would never show while attempts come faster than the delay.
    if (offlineTimer !== null || !status.hidden) return;
    offlineTimer = setTimeout(() => {
      offlineTimer = null;
      status.textContent = status.dataset.offlineText || 'Connection lost. Reconnecting…';
      status.hidden = false;
    }, OFFLINE_NOTICE_DELAY_MS);
  }

  // A post's page joins the post's room (the server checks access): its comments arrive live
  // even for a reader outside the post's group. Asked again on every (re)connect (the catch-up
  // joins it too, before reading what was missed).
  function watchedPost() {
    const page = document.querySelector('[data-post-page]');
    return Number(page?.dataset.postPage || 0);
  }

  function watchPost() {
    const postId = watchedPost();
    if (postId) socket.emit('watch_post', { post_id: postId });
  }

  const socket = ioFactory({ withCredentials: true, ...RECONNECT });
  TYPES.forEach((type) => socket.on(type, (payload) => receive(type, payload)));
  socket.on('session_ended', goToLogin);
  socket.on('connect', () => {
    showOffline(false);
    watchPost();
    catchUp();
  });
  socket.on('disconnect', () => showOffline(true));
  socket.on('connect_error', (error) => {
    if (error?.message === 'unauthorized') goToLogin();
    else showOffline(true);
  });
  window.addEventListener('pagehide', () => socket.close());
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) socket.connect(); // back from the page cache: reconnect, then catch up
  });
  return { socket, state, catchUp };
}
