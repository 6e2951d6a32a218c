// The people import's progress page: poll the import through the API, move the progress bar,
// and show the finished page (counts and refused lines) once the import is done.

import { getJSON } from './http.js';

const POLL_MS = 1000;

export function startPeopleImport() {
  const card = document.querySelector('[data-people-import]');
  if (!card || ['done', 'failed'].includes(card.dataset.status)) return;
  const bar = card.querySelector('[data-import-progress]');
  const summary = card.querySelector('[data-import-summary]');
  const words = summary.textContent.trim();
  const tick = async () => {
    try {
      const job = await getJSON(card.dataset.pollUrl);
      bar.max = job.total;
      bar.value = job.processed;
      bar.textContent = `${job.processed} / ${job.total}`;
      if (job.status === 'done' || job.status === 'failed') {
        window.location.reload();
        return;
      }
      summary.textContent = words.replace(/^\d+/, String(job.processed));
    } catch {
      // a lost connection: try again at the next tick
    }
    window.setTimeout(tick, POLL_MS);
  };
  window.setTimeout(tick, POLL_MS);
}
