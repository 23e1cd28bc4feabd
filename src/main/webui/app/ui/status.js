// The one connection indicator (never a line per attempt in the chat): online, connecting,
// reconnecting in n s (with "retry now"), signed out; plus how many frames wait unsent.

import { $, h } from './dom.js';

const LABEL = { idle: 'Starting…', connecting: 'Connecting…', online: 'Online', reconnecting: 'Reconnecting…',
  'signed-out': 'Signed out', stopped: 'Offline' };

export function connIndicator(app) {
  const el = $('#conn');
  let state = 'idle';
  let timer = null;
  const render = () => {
    const c = app.conn;
    el.dataset.state = state;
    el.replaceChildren(h('span.dot', { 'aria-hidden': 'true' }), h('span.label', LABEL[state] || state));
    if (state === 'reconnecting' && c?.retryTimer && c.nextRetryMs > 1500) {
      el.append(h('span.muted', ` in ${Math.ceil(c.nextRetryMs / 1000)} s `),
        h('button.link', { type: 'button', onclick: () => c.restart() }, 'Retry now'));
    }
    if (c && c.unsent) el.append(h('span.unsent', ` · ${c.unsent} unsent`));
  };
  app.on('conn', ({ state: s }) => {
    state = s;
    render();
    clearTimeout(timer);
    // While offline the page says so clearly after a moment (a blip does not flash).
    document.body.classList.toggle('offline', false);
    if (s !== 'online') timer = setTimeout(() => document.body.classList.toggle('offline', state !== 'online'), 1500);
  });
  app.on('outbox', render);
  render();
}
