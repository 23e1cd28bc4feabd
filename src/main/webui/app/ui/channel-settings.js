// A channel's settings for its creator and admins: the title people see (the name stays: it is the
// stream's key), the description, and archiving (read-only, still readable and searchable).

import { h } from './dom.js';
import { dialog } from './layout.js';

export async function channelSettings(app, c) {
  const title = h('input', { id: 'channel-title', maxlength: 80, value: c.title && c.title !== c.name ? c.title : '',
    placeholder: c.name, 'aria-label': 'Title' });
  const desc = h('input', { id: 'channel-description', maxlength: 500, value: c.description || '', 'aria-label': 'Description' });
  const note = h('p.note', { role: 'alert' });
  const body = h('div', h('label', 'Title ', title), h('p.hint', `Empty shows the name, #${c.name}.`),
    h('label', 'Description ', desc), note);
  const toggle = c.archived ? ['Restore', 'restore'] : ['Archive', 'archive', 'danger'];
  for (;;) {
    const choice = await dialog(`#${c.name}`, body, [['Save', 'save', 'primary'], toggle, ['Cancel', 'cancel']]);
    if (!['save', 'archive', 'restore'].includes(choice)) return;
    const change = choice === 'save' ? { title: title.value.trim(), description: desc.value.trim() } : { archived: choice === 'archive' };
    try {
      await app.api.post(`/api/channels/${encodeURIComponent(c.name)}`, change);
      return; // everyone who sees the channel is told (channels_changed), this page too
    } catch (e) {
      note.textContent = e.message;
    }
  }
}
