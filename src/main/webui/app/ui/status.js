// The one connection indicator (never a line per attempt in the chat): online, connecting,
// reconnecting in n s (with "retry now"), signed out; plus how many frames wait unsent.

import { $, h } from './dom.js';

const LABEL = { idle: 'Starting…', connecting: 'Connecting…', online: 'Online', reconnecting: 'Reconnecting…',
  'signed-out': 'Signed out', stopped: 'Offline' };

export function connIndicator(app) {
  const el = $('#conn');
  let state = 'idle';
  let timer = null;
  let countdown = null;
  const render = () => {
    const c = app.conn;
    el.dataset.state = state;
    el.replaceChildren(h('span.dot', { 'aria-hidden': 'true' }), h('span.label', LABEL[state] || state));
    if (state === 'reconnecting' && c?.retryTimer) {
      const left = Math.max(0, Math.ceil((c.retryAt - Date.now()) / 1000));
      el.append(h('span.muted.countdown', left > 0 ? ` in ${left} s ` : ' now '),
        h('button.link', { type: 'button', onclick: () => c.restart() }, 'Retry now'));
    }
    if (c && c.unsent) el.append(h('span.unsent', ` · ${c.unsent} unsent`));
  };
  app.on('conn', ({ state: s }) => {
    state = s;
    render();
    // The countdown counts down (each retry announces itself again, with its own time).
    clearInterval(countdown);
    if (s === 'reconnecting') countdown = setInterval(render, 1000);
    clearTimeout(timer);
    // While offline the page says so clearly after a moment (a blip does not flash).
    document.body.classList.toggle('offline', false);
    if (s !== 'online') timer = setTimeout(() => document.body.classList.toggle('offline', state !== 'online'), 1500);
  });
  app.on('outbox', render);
  render();
}
