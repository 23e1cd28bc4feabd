// The channel list (with unread badges, live: refreshed on channels_changed, on focus, and every minute): channels, public and
// private, then direct messages with people and agents; creating a channel (private ones with
// members), opening a DM, and who is online in the open channel (presence, live).

import { $, h } from './dom.js';
import { dialog } from './layout.js';
import { initials, hue } from '../core/format.js';
import { icon } from './icons.js';
import { grouped, channelTitle, dmPeer } from '../core/channels.js';

/** What a channel's header shows of it, to tell whether a refresh changed it. */
function metaOf(c) {
  return JSON.stringify([c.title ?? null, c.description ?? null, c.archived ?? null, c.archivedAt ?? null, c.kind ?? null]);
}

export function createSidebar(app) {
  const list = $('#channels');
  app.channels = [];
  app.current = null;
  const online = new Map(); // userId → since

  async function refresh() {
    try {
      const r = await app.api.get('/api/channels');
      const before = app.channels.find((c) => c.name === app.current);
      app.channels = r.channels || [];
      render();
      const current = app.channels.find((c) => c.name === app.current);
      // Renamed or archived meanwhile: the header is redrawn only when what it shows changed.
      if (current && (!before || metaOf(before) !== metaOf(current))) app.emit('channel-meta', current);
      if (!app.current) {
        const wanted = decodeURIComponent((location.hash.match(/^#\/c\/(.+)$/) || [])[1] || '') || localStorage.getItem('agentbus.channel');
        open(app.channels.find((c) => c.name === wanted) ? wanted : (app.channels.find((c) => c.name === 'general') || app.channels[0])?.name);
      }
    } catch (e) {
      // The last list stays (marked stale) when there is one: an outage is no reason to lose it.
      if (!app.channels.length) {
        list.replaceChildren(h('li.error', `Channels could not be loaded: ${e.message} `,
          h('button.link', { type: 'button', onclick: refresh }, 'Retry')));
      }
      if (e.transient) setTimeout(refresh, 3000);
    }
  }

  /**
   * Offline, what the page shows is what it last knew: the lists stay, marked stale with the time,
   * and nobody is shown as online (presence is only ever live).
   */
  let staleSince = null;
  app.on('conn', ({ state }) => {
    const offline = state !== 'online';
    if (offline && !staleSince) staleSince = new Date();
    if (!offline) staleSince = null;
    $('#sidebar').classList.toggle('stale', offline);
    const note = $('#stale-note');
    note.hidden = !offline;
    if (offline) note.textContent = `Offline — as of ${staleSince.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
    if (offline) { online.clear(); renderPresence(); }
  });

  function render() {
    const g = grouped(app.channels, (id) => app.name(id));
    list.replaceChildren(...g.channels.map(item), ...(g.archived.length ? [h('li.archived', h('details',
      { open: g.archived.some((c) => c.name === app.current) }, h('summary', `Archived (${g.archived.length})`),
      h('ul.channels', g.archived.map(item))))] : []));
    $('#dms').replaceChildren(...(g.dms.length ? g.dms.map(item) : [h('li.muted.empty', 'No direct messages yet')]));
  }

  function item(c) {
    const unread = c.name === app.current ? 0 : c.unread || 0;
    const peer = dmPeer(c);
    const mark = c.type === 'dm'
      ? (peer?.startsWith('@') ? h('span.hash', icon('bot', 'agent')) : h('span.avatar.small', { style: { '--h': hue(peer || c.name) },
        'aria-hidden': 'true' }, initials(channelTitle(c, (id) => app.name(id)))))
      : c.private ? h('span.hash', icon('lock', 'private')) : h('span.hash', '#');
    return h('li', h('a', { href: '#/c/' + encodeURIComponent(c.name), dataset: { c: c.name },
      class: (c.name === app.current ? 'active' : '') + (unread ? ' has-unread' : ''),
      'aria-current': c.name === app.current ? 'page' : false,
      onclick: (e) => { e.preventDefault(); open(c.name); } },
    mark, h('span.cname', channelTitle(c, (id) => app.name(id))),
    unread ? h('span.badge', { 'aria-label': `${unread} unread` }, unread > 99 ? '99+' : String(unread)) : null));
  }

  function open(name) {
    if (!name || name === app.current) return;
    app.current = name;
    localStorage.setItem('agentbus.channel', name);
    history.replaceState(null, '', '#/c/' + encodeURIComponent(name));
    const c = app.channels.find((x) => x.name === name);
    if (c) c.unread = 0;
    render();
    online.clear();
    renderPresence();
    $('#sidebar').classList.remove('open');
    app.emit('channel', c || { name });
    loadPresence(name);
  }

  /** Who is online in `name` now (then presence_update keeps it current). */
  function loadPresence(name) {
    app.conn.request({ type: 'presence', channel: name }).then((r) => {
      if (name !== app.current) return;
      online.clear();
      (r.online || []).forEach((p) => online.set(p.userId, p.since));
      renderPresence();
    }).catch(() => {});
  }
  app.openChannel = open;

  function renderPresence() {
    const ids = [...online.keys()].sort((a, b) => app.name(a).localeCompare(app.name(b)));
    $('#presence').replaceChildren(...ids.map((id) => h('li', h('span.avatar.small', { style: { '--h': hue(id) }, 'aria-hidden': 'true' },
      initials(app.name(id))), h('span', app.name(id)), id === app.me.userId ? h('span.muted', ' (you)') : null)));
    $('#online-count').textContent = ids.length ? `${ids.length} online` : '';
    $('#presence-empty').hidden = ids.length > 0 || !staleSince;
  }

  app.on('frame', (f) => {
    if (f.type === 'subscribed' && f.stream === 'channel:' + app.current) {
      // Who is online is asked once the page follows the channel again (after a reconnect too):
      // asked before, the answer could predate this page's own return.
      loadPresence(app.current);
      return;
    }
    if (f.type === 'presence_update' && f.channel === app.current) {
      online.clear();
      (f.online || []).forEach((u) => { online.set(u, true); app.learn(u); });
      renderPresence();
    } else if (f.type === 'channels_changed') {
      refreshSoon(); // a channel created, or this user added to one, anywhere in the cluster
    } else if (f.type === 'unsubscribed' && f.reason === 'removed') {
      // Removed from a private channel (or left it on another tab): it goes from the list at once.
      const name = String(f.stream || '').replace(/^channel:/, '');
      app.channels = app.channels.filter((c) => c.name !== name);
      if (name === app.current) {
        app.emit('toast', `You are no longer a member of #${name}.`);
        app.current = null;
        open((app.channels.find((c) => c.name === 'general') || app.channels[0])?.name);
      }
      render();
    } else if (f.type === 'message' && f.channel !== app.current) {
      const c = app.channels.find((x) => x.name === f.channel);
      if (c && f.authorId !== app.me.userId) { c.unread = (c.unread || 0) + 1; render(); }
    }
  });
  app.on('users', renderPresence);
  app.on('online', () => refresh());
  app.on('channel-step', (d) => {
    const i = app.channels.findIndex((c) => c.name === app.current);
    const next = app.channels[(i + d + app.channels.length) % app.channels.length];
    if (next) open(next.name);
  });
  let soon = null;
  function refreshSoon() {
    if (!soon) soon = setTimeout(() => { soon = null; refresh(); }, 100);
  }
  setInterval(refresh, 60_000); // a fallback: changes arrive as channels_changed
  // A notification's link (or a pasted one) opens its channel.
  addEventListener('hashchange', () => {
    const m = location.hash.match(/^#\/c\/(.+)$/);
    if (m) open(decodeURIComponent(m[1]));
  });
  addEventListener('focus', refresh);

  $('#new-channel').addEventListener('click', async () => {
    const name = h('input', { required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', maxlength: 64, placeholder: 'design-review', 'aria-label': 'Channel name' });
    const desc = h('input', { maxlength: 500, placeholder: 'What is it for?', 'aria-label': 'Description' });
    const priv = h('input', { type: 'checkbox', id: 'new-channel-private' });
    const members = h('input', { id: 'new-channel-members', placeholder: 'user ids, separated by commas', 'aria-label': 'Members', list: 'known-users' });
    const note = h('p.note', { role: 'alert' });
    const body = h('div', h('label', 'Name ', name), h('label', 'Description ', desc),
      h('label.check', priv, ' Private: only members see it'), h('label', 'Members ', members), note,
      h('p.hint', 'Lower-case letters, digits, - and _.'), knownUsers());
    for (;;) {
      const choice = await dialog('Create a channel', body, [['Create', 'create', 'primary'], ['Cancel', 'cancel']]);
      if (choice !== 'create') return;
      try {
        const invited = members.value.split(/[\s,]+/).map((x) => x.replace(/^@/, '')).filter(Boolean);
        await app.api.post('/api/channels', priv.checked ? { name: name.value.trim(), description: desc.value.trim(), private: true, members: invited }
          : { name: name.value.trim(), description: desc.value.trim() });
        await refresh();
        open(name.value.trim());
        return;
      } catch (e) {
        note.textContent = e.code === 'CONFLICT' ? 'That channel exists already.' : e.message;
      }
    }
  });
  /** A datalist of the people the page knows, for the member and DM fields. */
  function knownUsers() {
    return h('datalist', { id: 'known-users' }, [...app.users.values()].filter((u) => u.userId !== app.me.userId)
      .map((u) => h('option', { value: u.userId }, u.displayName || u.userId)));
  }

  $('#new-dm').addEventListener('click', async () => {
    const who = h('input', { id: 'new-dm-with', required: true, maxlength: 65, placeholder: 'a user id, or @code for an agent',
      'aria-label': 'Who', list: 'known-users' });
    const note = h('p.note', { role: 'alert' });
    const agents = (app.agentRoles || []).map((r) => '@' + r).join(', ');
    const body = h('div', h('label', 'With ', who), note, knownUsers(),
      h('p.hint', agents ? `A person, or an agent: ${agents}. In a DM with an agent every message is a task for it.` : 'A person or @an-agent.'));
    for (;;) {
      const choice = await dialog('Direct message', body, [['Open', 'open', 'primary'], ['Cancel', 'cancel']]);
      if (choice !== 'open') return;
      try {
        const r = await app.api.post('/api/dms', { with: who.value.trim() });
        await refresh();
        open(r.channel);
        return;
      } catch (e) {
        note.textContent = e.code === 'NOT_FOUND' ? 'No one by that name has signed in here (or no such agent).' : e.message;
      }
    }
  });
  refresh();
}
