// The bell's unread badge (live), and marking a notification read when it is opened.

import { postForm } from './http.js';

function setBadge(unread) {
  const badge = document.querySelector('[data-unread-badge]');
  if (!badge || typeof unread !== 'number') return;
  const label = badge.querySelector('.visually-hidden');
  badge.textContent = String(unread);
  if (label) badge.append(label);
  badge.hidden = unread === 0;
}

function onOpen(event) {
  const link = event.target.closest?.('[data-open-notification]');
  const list = link?.closest('[data-notifications]');
  const item = link?.closest('[data-notification-id]');
  if (!item || !item.classList.contains('is-unread')) return;
  const data = new FormData();
  data.set('ids', item.dataset.notificationId);
  postForm(list.dataset.readUrl, data, { keepalive: true })
    .then((result) => setBadge(result.unread))
    .catch(() => {});
  item.classList.remove('is-unread');
}

export function startNotifications() {
  document.addEventListener('live:notification', (event) => setBadge(event.detail.unread));
  document.addEventListener('click', onOpen);
}
