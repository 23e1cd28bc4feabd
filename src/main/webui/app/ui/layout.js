// Panels and keys: the side panel's tabs, the narrow-screen drawers, global shortcuts
// (Ctrl+K search, Alt+↑/↓ channels, Escape closes what is open) and the dialog helper.

import { $, $$, h } from './dom.js';
import { initials, hue } from '../core/format.js';

export function initLayout(app) {
  app.showTab = (tab) => {
    $$('#side [role=tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === tab)));
    $$('#side [data-pane]').forEach((p) => { p.hidden = p.dataset.pane !== tab; });
    if (matchMedia('(max-width: 900px)').matches) $('#side').classList.add('open');
  };
  $$('#side [role=tab]').forEach((b) => b.addEventListener('click', () => app.showTab(b.dataset.tab)));
  $('#close-side').addEventListener('click', () => $('#side').classList.remove('open'));
  $('#show-side').addEventListener('click', () => $('#side').classList.toggle('open'));
  const menu = $('#menu');
  menu.addEventListener('click', () => {
    const open = $('#sidebar').classList.toggle('open');
    menu.setAttribute('aria-expanded', String(open));
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') { e.preventDefault(); $('#search-input').focus(); }
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) { e.preventDefault(); app.emit('channel-step', e.key === 'ArrowUp' ? -1 : 1); }
    if (e.key === 'Escape') {
      $('#sidebar').classList.remove('open');
      $('#side').classList.remove('open');
      app.emit('escape');
    }
  });
  $('#me').addEventListener('click', () => profileDialog(app));
  const me = () => {
    const name = app.me.displayName || app.me.userId;
    $('#me').replaceChildren(h('span.avatar.small', { style: { '--h': hue(app.me.userId) }, 'aria-hidden': 'true' }, initials(name)),
      h('span.me-name', name));
    $('#me').setAttribute('aria-label', `You: ${name} (profile and sign out)`);
  };
  me();
  app.on('users', me);
}

/** Opens the page's dialog with `title`, `body` (nodes) and buttons; resolves with the button's value. */
export function dialog(title, body, buttons = [['OK', 'ok']]) {
  const d = $('#dialog');
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog' },
      h('h2', title), body,
      h('div.buttons', buttons.map(([label, value, cls]) => h('button' + (cls ? '.' + cls : ''), { value }, label))));
    d.replaceChildren(form);
    d.onclose = () => resolve(d.returnValue || null);
    d.returnValue = '';
    d.showModal();
    (form.querySelector('input, textarea') || form.querySelector('button')).focus();
  });
}

async function profileDialog(app) {
  const input = h('input', { value: app.me.displayName || app.me.userId, maxlength: 64, 'aria-label': 'Display name' });
  const body = h('div', h('p.muted', `Signed in as ${app.me.userId} (${(app.me.roles || []).join(', ')})`),
    h('label', 'Display name ', input));
  const choice = await dialog('You', body, [['Save', 'save', 'primary'], ['Sign out', 'out'], ['Close', 'close']]);
  if (choice === 'save' && input.value.trim()) {
    app.me = { ...app.me, ...(await app.api.post('/api/me', { displayName: input.value.trim() })) };
    app.users.set(app.me.userId, app.me);
    app.emit('users');
  } else if (choice === 'out') {
    app.signOut();
  }
}
