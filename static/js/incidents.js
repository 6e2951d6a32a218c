// Incidents, live: the "incident" event (to the agents and leads of its service) carries its new
// size and sources; the incident page and the incident list swap in their fresh parts, so the
// count and the sources follow as customers join, without a reload and without losing focus
// or typed text (only the parts below are replaced, never the reply box).

const PAGE_PARTS = ['[data-incident-live]', '[data-incident-sources]', '[data-incident-cases]',
  '[data-incident-status]'];

async function swapFrom(url, selectors) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) return false;
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  for (const selector of selectors) {
    const fresh = doc.querySelector(selector);
    const current = document.querySelector(selector);
    if (fresh && current && !current.contains(document.activeElement)) current.replaceWith(fresh);
  }
  return true;
}

export function startIncidents() {
  document.addEventListener('live:incident', async (event) => {
    const { detail } = event;
    const page = document.querySelector('[data-incident-page]');
    if (page && String(detail.id) === page.dataset.incidentId) {
      if (await swapFrom(page.dataset.refreshUrl, PAGE_PARTS)) {
        page.dataset.refreshed = String(Number(page.dataset.refreshed || 0) + 1);
      }
    }
    const list = document.querySelector('[data-incident-list]');
    if (list) await swapFrom(window.location.href, ['[data-incident-list]']);
  });
}
