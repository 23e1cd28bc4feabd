// Icons as inline SVG (Lucide's shapes, see icon-data.js), drawn in the text colour: no icon may
// depend on an emoji font, which many desktops and CI browsers do not have (an emoji icon there is
// an empty box). Icons are decoration: the control carrying one has its own text or aria-label,
// and an icon that stands alone (an avatar) is given a label of its own.

import { ICONS } from './icon-data.js';

const NS = 'http://www.w3.org/2000/svg';

/** An `<svg class="ic">` for `name`; `label` makes it an image with that name, else it is hidden from screen readers. */
export function icon(name, label) {
  const shape = ICONS[name];
  if (!shape) throw new Error(`no icon named ${name}`);
  const svg = document.createElementNS(NS, 'svg');
  for (const [k, v] of Object.entries({ class: 'ic ic-' + name, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor',
    'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', focusable: 'false' })) svg.setAttribute(k, v);
  if (label) { svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label); } else svg.setAttribute('aria-hidden', 'true');
  for (const [tag, attrs] of shape) {
    const part = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) part.setAttribute(k, String(v));
    svg.append(part);
  }
  return svg;
}

/** Puts its icon into every element of the page's markup that names one (`data-icon="menu"`). */
export function iconize(root = document) {
  for (const el of root.querySelectorAll('[data-icon]')) {
    if (!el.querySelector('svg.ic')) el.prepend(icon(el.dataset.icon));
  }
}
