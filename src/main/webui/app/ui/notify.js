// Browser notifications and the tab title's count: mentions, DMs and gates waiting for me raise a
// notification while the page is hidden or elsewhere (permission is asked only when the user turns
// them on, from the bell in the top bar — never on load); a notification's click opens its
// channel or the gate in the inbox. Channels can be muted (kept in this browser).

import { $ } from './dom.js';
import { icon } from './icons.js';
import { noticeFor, titled } from '../core/notices.js';

const MUTED = 'agentbus.muted';

export function createNotify(app) {
  const muted = new Set(JSON.parse(localStorage.getItem(MUTED) || '[]'));
  let base = document.title;
  let unseen = 0;
  const bell = $('#notify');
  const N = () => globalThis.Notification;

  app.setTitle = (t) => { base = t; document.title = titled(base, unseen); };
  const seen = () => { unseen = 0; document.title = titled(base, unseen); };
  addEventListener('focus', seen);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) seen(); });

  function drawBell() {
    const on = N()?.permission === 'granted';
    bell.replaceChildren(icon(on ? 'bell' : 'bell-off'));
    bell.setAttribute('aria-label', on ? 'Notifications are on' : 'Turn on notifications');
    bell.title = on ? 'Notifications are on (mute a channel from its header)' : 'Turn on notifications';
    bell.hidden = !N();
  }
  bell.addEventListener('click', async () => {
    if (N() && N().permission !== 'granted') await N().requestPermission();
    drawBell();
  });
  drawBell();

  app.on('frame', (f) => {
    // A channel on screen in a window that has the focus is being read: nothing to raise for it.
    const away = document.hidden || !document.hasFocus();
    const n = noticeFor(f, { me: app.me.userId, channels: app.channels || [], muted,
      looking: away ? null : app.current, nameOf: (id) => app.name(id),
      approver: app.has('approver') || app.has('admin') });
    if (!n) return;
    if (away) { unseen++; document.title = titled(base, unseen); }
    if (N()?.permission !== 'granted' || !away) return;
    const note = new (N())(n.title, { body: n.body, tag: n.tag });
    note.onclick = () => { focus(); location.hash = n.link; note.close?.(); };
    app.notices = (app.notices || 0) + 1; // seen by tests
  });

  /** Mutes or unmutes a channel's notifications (the header's bell). */
  app.toggleMute = (channel) => {
    if (muted.has(channel)) muted.delete(channel); else muted.add(channel);
    localStorage.setItem(MUTED, JSON.stringify([...muted]));
    return muted.has(channel);
  };
  app.isMuted = (channel) => muted.has(channel);
}
