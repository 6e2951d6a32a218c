// The side rail's "new since my last visit" counts, live. A `post` event reaches exactly the
// members of its group (server-chosen rooms, and the same rule on catch-up), and carries the
// post's author: a post by someone else newer than the last one I saw there is one more new post,
// removing it one fewer. No request per event: the page knows each group's mark (data-rail-seen)
// and count (data-rail-count) from the server's rail query. The group I am looking at does not
// count what arrives on its page. live.js applies each event once, so a catch-up after a
// reconnect adds nothing twice.

const myId = () => Number(document.body.dataset.userId || 0);

function words(rail, n) {
  const form = new Intl.PluralRules(document.documentElement.lang || 'en').select(n);
  return form === 'one' ? rail.dataset.railOne : rail.dataset.railOther;
}

function show(rail, link, n) {
  link.dataset.railCount = String(n);
  let badge = link.querySelector('.rail-new');
  if (!n) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement('span');
    badge.className = 'badge badge-count rail-new';
    link.append(badge);
  }
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = ` ${words(rail, n)}`;
  badge.replaceChildren(n > 99 ? '99+' : String(n), hidden);
}

export function startRail() {
  const rail = document.querySelector('[data-rail]');
  if (!rail) return;
  document.addEventListener('live:post', ({ detail: ev }) => {
    if (ev.op !== 'add' && ev.op !== 'remove') return;
    if (ev.group_id == null || ev.author_id == null || ev.author_id === myId()) return;
    const link = rail.querySelector(`[data-rail-group="${Number(ev.group_id)}"]`);
    if (!link || link.getAttribute('aria-current') === 'page') return;
    if (Number(ev.id) <= Number(link.dataset.railSeen || 0)) return; // seen before: never counted
    const now = Number(link.dataset.railCount || 0);
    // The server counts up to 100 ("99+"): past 99 a removal may leave more than 99 all the same.
    show(rail, link, ev.op === 'add' ? now + 1 : now > 99 ? now : Math.max(0, now - 1));
  });
}
