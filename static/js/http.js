// Small fetch helpers: same-origin cookies, CSRF header, JSON errors turned into exceptions.

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Words a person may see come from the page (data-i18n-* on <body>), in the reader's language.
const text = (key, fallback) => document.body?.dataset[key] || fallback;

async function failure(res) {
  let message = text('i18nRequestFailed', 'The request failed. Try again.');
  try {
    const data = await res.json();
    message = data?.error?.message || message;
  } catch {
    // not JSON: keep the status text
  }
  return new HttpError(res.status, message);
}

/** fetch, but a network failure becomes an HttpError (status 0) with words for a person,
 * instead of the browser's own English "Failed to fetch". */
async function reach(url, options) {
  try {
    return await fetch(url, options);
  } catch {
    throw new HttpError(0, text('i18nNetworkError', 'The server cannot be reached. Check your connection and try again.'));
  }
}

/** POST a form (or FormData) and get the JSON answer our views give scripts. */
export async function postForm(url, body, { keepalive = false } = {}) {
  const res = await reach(url, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    keepalive,
    headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken() },
  });
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? {} : res.json();
}

/** Send JSON (POST, PATCH, DELETE) to the API with the page's CSRF token; the JSON answer or {}. */
export async function sendJSON(method, url, data = undefined) {
  const res = await reach(url, {
    method,
    body: data === undefined ? undefined : JSON.stringify(data),
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
  });
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? {} : res.json();
}

export async function getJSON(url) {
  const res = await reach(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return res.json();
}

/** A server-rendered fragment (a post card, a comment) as a DOM element. */
export async function getFragment(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) throw new HttpError(res.status, res.statusText);
  const template = document.createElement('template');
  template.innerHTML = (await res.text()).trim();
  return template.content.firstElementChild;
}
