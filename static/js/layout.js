// The frame's behaviours: the phone menu (the side rail as a drawer) and the collapsed composer.
// Without this module both still work: the menu opens by #rail (:target), the composer by focus.

export function startLayout() {
  startMenu();
  startComposers();
}

function startMenu() {
  const rail = document.querySelector('[data-rail]');
  if (!rail) return;
  const toggles = [...document.querySelectorAll('[data-menu-toggle]')];
  let opener = null;
  const setOpen = (open) => {
    rail.classList.toggle('is-open', open);
    toggles.forEach((t) => t.setAttribute('aria-expanded', String(open)));
    if (open) rail.querySelector('a, button')?.focus();
    else opener?.focus();
  };
  toggles.forEach((toggle) => {
    toggle.setAttribute('aria-expanded', 'false');
    toggle.addEventListener('click', (event) => {
      event.preventDefault();
      opener = toggle;
      setOpen(!rail.classList.contains('is-open'));
    });
  });
  rail.querySelector('[data-menu-close]')?.addEventListener('click', (event) => {
    event.preventDefault();
    setOpen(false);
  });
  rail.addEventListener('focusout', (event) => { // tabbing out of the drawer closes it
    if (rail.classList.contains('is-open') && event.relatedTarget && !rail.contains(event.relatedTarget)) {
      rail.classList.remove('is-open');
      toggles.forEach((t) => t.setAttribute('aria-expanded', 'false'));
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && rail.classList.contains('is-open')) setOpen(false);
  });
  document.addEventListener('click', (event) => {
    if (rail.classList.contains('is-open') && !rail.contains(event.target)
        && !toggles.some((t) => t.contains(event.target))) setOpen(false);
  });
}

function startComposers() {
  document.addEventListener('focusin', (event) => {
    const composer = event.target.closest?.('[data-composer]');
    if (composer) composer.classList.add('is-open');
  });
}
