// The reaction picker: common emoji in a keyboard-navigable grid, with a filter by name.

import { h } from './dom.js';

const EMOJI = [
  ['👍', 'thumbs up +1 yes'], ['👎', 'thumbs down -1 no'], ['❤️', 'heart love'], ['😂', 'joy laugh'], ['🎉', 'tada party'],
  ['🚀', 'rocket ship'], ['👀', 'eyes look'], ['✅', 'check done'], ['❌', 'x cross no'], ['🤔', 'thinking'],
  ['🙏', 'pray thanks'], ['🔥', 'fire'], ['💯', '100 hundred'], ['😀', 'grin smile'], ['😅', 'sweat smile'],
  ['😮', 'wow open mouth'], ['😢', 'cry sad'], ['😡', 'angry'], ['👏', 'clap'], ['🙌', 'raised hands'],
  ['💡', 'bulb idea'], ['⚠️', 'warning'], ['🐛', 'bug'], ['📌', 'pin'], ['⏳', 'hourglass wait'], ['🛠️', 'tools build'],
  ['📈', 'chart up'], ['🤖', 'robot agent'], ['☕', 'coffee'], ['👋', 'wave hello'],
];

let open = null;

export function pickEmoji(anchor, onPick) {
  open?.remove();
  const filter = h('input', { type: 'search', placeholder: 'Filter', 'aria-label': 'Filter emoji' });
  const grid = h('div.grid', { role: 'listbox', 'aria-label': 'Emoji' });
  const pop = h('div.popover.emoji', { role: 'dialog', 'aria-label': 'Pick a reaction' }, filter, grid);
  const close = () => { pop.remove(); open = null; anchor.focus(); };
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    grid.replaceChildren(...EMOJI.filter(([e, n]) => !q || n.includes(q) || e === q).map(([e, n]) =>
      h('button', { type: 'button', role: 'option', title: n.split(' ')[0], 'aria-label': n.split(' ')[0],
        onclick: () => { onPick(e); close(); } }, e)));
  };
  filter.addEventListener('input', draw);
  pop.addEventListener('keydown', (e) => {
    const items = [...grid.querySelectorAll('button')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.stopPropagation(); close(); }
    else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); items[Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 6 : 1))]?.focus(); }
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); (i <= 0 ? filter : items[Math.max(0, i - (e.key === 'ArrowUp' ? 6 : 1))]).focus(); }
  });
  draw();
  document.body.append(pop);
  const r = anchor.getBoundingClientRect();
  pop.style.top = `${Math.max(8, Math.min(innerHeight - 260, r.bottom + 4))}px`;
  pop.style.left = `${Math.max(8, Math.min(innerWidth - 260, r.left - 200))}px`;
  setTimeout(() => document.addEventListener('pointerdown', function away(e) {
    if (!pop.contains(e.target)) { pop.remove(); open = null; document.removeEventListener('pointerdown', away); }
  }), 0);
  open = pop;
  filter.focus();
}
