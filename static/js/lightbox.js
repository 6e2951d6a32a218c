// The photo lightbox: a photo of a grid opens in a modal <dialog> (templates/_lightbox.html).
// Keyboard: Enter on a photo opens it, arrows (and Home/End) move through its grid, Esc closes;
// Tab stays inside the dialog, and focus goes back to the photo it was opened from.

let state = null; // { box, links, index, opener } while open

const wanted = (event) => event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;

function show() {
  const { box, links, index } = state;
  const link = links[index];
  const image = box.querySelector('[data-lightbox-image]');
  image.src = link.href;
  image.alt = link.querySelector('img')?.alt ?? '';
  box.querySelector('[data-lightbox-caption]').textContent = link.dataset.name || '';
  const position = box.querySelector('[data-lightbox-position]');
  position.textContent = links.length > 1
    ? (box.dataset.i18nPosition || '{n} / {total}').replace('{n}', index + 1).replace('{total}', links.length)
    : '';
  box.querySelector('[data-lightbox-download]').href = link.dataset.download || link.href;
  box.querySelector('[data-lightbox-prev]').hidden = links.length < 2;
  box.querySelector('[data-lightbox-next]').hidden = links.length < 2;
}

function step(delta) {
  if (!state || state.links.length < 2) return;
  const n = state.links.length;
  state.index = (state.index + delta + n) % n;
  show();
}

function open(box, link) {
  const grid = link.closest('[data-photo-grid]');
  const links = grid ? [...grid.querySelectorAll('a[data-photo]')] : [link];
  state = { box, links, index: Math.max(0, links.indexOf(link)), opener: link };
  show();
  box.showModal();
  box.querySelector('[data-lightbox-close]').focus();
}

function trapTab(box, event) {
  const focusable = [...box.querySelectorAll('button, a[href]')].filter((el) => !el.hidden);
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && (document.activeElement === first || !box.contains(document.activeElement))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

function onKey(box, event) {
  const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
  if (event.key === 'Tab') {
    trapTab(box, event);
  } else if (event.key in moves && state) {
    event.preventDefault();
    const delta = moves[event.key];
    if (Number.isFinite(delta)) step(delta);
    else { state.index = delta < 0 ? 0 : state.links.length - 1; show(); }
  }
}

function closed(box) {
  const opener = state?.opener;
  state = null;
  box.querySelector('[data-lightbox-image]').removeAttribute('src');
  if (opener?.isConnected) opener.focus();
}

export function startLightbox() {
  const box = document.querySelector('[data-lightbox]');
  if (!box || typeof box.showModal !== 'function') return; // no <dialog>: the links open the photo
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[data-photo]');
    if (!link || event.defaultPrevented || !wanted(event)) return;
    event.preventDefault();
    open(box, link);
  });
  box.addEventListener('keydown', (event) => onKey(box, event));
  box.addEventListener('close', () => closed(box)); // Esc (the dialog's own cancel) and the buttons
  box.addEventListener('click', (event) => { if (event.target === box) box.close(); }); // backdrop
  box.querySelector('[data-lightbox-close]').addEventListener('click', () => box.close());
  box.querySelector('[data-lightbox-prev]').addEventListener('click', () => step(-1));
  box.querySelector('[data-lightbox-next]').addEventListener('click', () => step(1));
}
