// Light and dark themes: the system's choice until the user picks one (kept per browser).

import { $ } from './dom.js';

export function initTheme() {
  const saved = localStorage.getItem('agentbus.theme');
  const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  apply(saved || system);
  $('#theme').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('agentbus.theme', next);
    apply(next);
  });
}

function apply(theme) {
  document.documentElement.dataset.theme = theme;
  $('#hl-light').disabled = theme === 'dark';
  $('#hl-dark').disabled = theme !== 'dark';
}
