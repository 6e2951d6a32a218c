// Messaging, the writing side of a conversation page: the composer (Enter sends, Shift+Enter
// breaks the line, files go as multipart) and my own messages' edit-in-place and delete.
// messages.js starts them and passes what to do afterwards: the new messages come back through
// its loadNew/refreshOne, so a message written here shows the same way as one from the socket.

import { postForm, sendJSON } from './http.js';

export function startComposer(root, socket, id, afterSend, onInput) {
  const form = root.querySelector('[data-message-composer]');
  if (!form) return;
  const area = form.querySelector('textarea');
  const error = form.querySelector('[data-composer-error]');
  area.addEventListener('input', onInput);
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = area.value;
    const picker = form.querySelector('input[type="file"]');
    if (!body.trim() && !picker?.files.length) return; // photos alone are a message
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      // with files: the same endpoint as multipart (FormData carries body and files)
      if (picker?.files.length) await postForm(`${root.dataset.apiUrl}/messages`, new FormData(form));
      else await sendJSON('POST', `${root.dataset.apiUrl}/messages`, { body });
      area.value = '';
      if (picker) picker.value = '';
      error.hidden = true;
      socket?.emit('typing', { conversation_id: id, typing: false });
      afterSend();
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
      area.focus();
    }
  });
}

export function startOwnMessageActions(list, refreshOne) {
  list.addEventListener('click', async (event) => {
    const item = event.target.closest('.message');
    if (!item) return;
    const mid = Number(item.dataset.messageId);
    if (event.target.closest('[data-delete-message]')) {
      if (!window.confirm(event.target.closest('[data-delete-message]').dataset.confirm)) return;
      await sendJSON('DELETE', `/api/v1/messages/${mid}`).catch((e) => window.alert(e.message));
      refreshOne(mid);
    } else if (event.target.closest('[data-edit-message]')) {
      editInPlace(item, event.target.closest('[data-edit-message]'), mid, refreshOne);
    }
  });
}

function editInPlace(item, button, mid, refreshOne) {
  const body = item.querySelector('[data-message-body]');
  if (!body || item.querySelector('form')) return;
  const form = document.createElement('form');
  const area = document.createElement('textarea');
  area.value = button.dataset.body;
  area.setAttribute('aria-label', button.textContent.trim());
  const save = document.createElement('button');
  save.type = 'submit';
  save.className = 'btn btn-small btn-primary';
  save.textContent = item.closest('[data-conversation]')?.dataset.i18nSave || 'Save';
  form.append(area, save);
  body.hidden = true;
  body.after(form);
  area.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await sendJSON('PATCH', `/api/v1/messages/${mid}`, { body: area.value });
      refreshOne(mid);
    } catch (failure) {
      window.alert(failure.message);
    }
  });
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      form.remove();
      body.hidden = false;
    }
  });
}
