// The members of a private channel (PROTOCOL §7.1): who is in it, adding and removing people
// (its creator and admins; the server decides), and leaving it.

import { h } from './dom.js';
import { dialog } from './layout.js';
import { icon } from './icons.js';

export async function membersDialog(app, channel) {
  const note = h('p.note', { role: 'alert' });
  const list = h('ul.members');
  const add = h('input', { id: 'add-member', placeholder: 'user id', 'aria-label': 'Add a member', list: 'known-users-m' });
  let info = { members: [], createdBy: null };
  const manager = () => app.has('admin') || info.createdBy === app.me.userId;

  async function load() {
    try {
      info = await app.api.get(`/api/channels/${encodeURIComponent(channel)}/members`);
      list.replaceChildren(...info.members.map((m) => h('li', h('span', m.displayName || m.userId),
        m.userId === info.createdBy ? h('span.muted', ' (created it)') : null,
        manager() && m.userId !== app.me.userId ? h('button.icon.danger', { type: 'button', title: `Remove ${m.userId}`,
          'aria-label': `Remove ${m.userId}`, onclick: () => remove(m.userId) }, icon('x')) : null)));
    } catch (e) {
      note.textContent = e.message;
    }
  }
  async function remove(userId) {
    try {
      await app.api.raw('DELETE', `/api/channels/${encodeURIComponent(channel)}/members/${encodeURIComponent(userId)}`);
      await load();
    } catch (e) { note.textContent = e.message; }
  }
  await load();
  const body = h('div', list, h('datalist', { id: 'known-users-m' }, [...app.users.values()].map((u) => h('option', { value: u.userId }))),
    manager() ? h('form.row', { onsubmit: async (e) => {
      e.preventDefault();
      try {
        await app.api.post(`/api/channels/${encodeURIComponent(channel)}/members`, { userId: add.value.trim().replace(/^@/, '') });
        add.value = '';
        await load();
      } catch (err) { note.textContent = err.code === 'NOT_FOUND' ? 'No one by that name has signed in here.' : err.message; }
    } }, add, h('button', { type: 'submit' }, 'Add')) : h('p.hint', 'The channel’s creator and admins change who is in it.'),
    note);
  const choice = await dialog(`Members of #${channel}`, body, [['Leave the channel', 'leave', 'danger'], ['Close', 'close']]);
  if (choice === 'leave') {
    try {
      await app.api.post(`/api/channels/${encodeURIComponent(channel)}/leave`, {});
    } catch (e) { app.emit('toast', `Could not leave: ${e.message}`); }
  }
}
