// The thread pane: a root message and its replies (history with threadId), live replies and
// changes, and a box to reply in the thread.

import { $, h } from './dom.js';
import { icon } from './icons.js';
import { messageElement, editInline } from './message.js';
import { applyChange } from '../core/timeline.js';
import { mentionsIn } from '../core/complete.js';
import { newKey } from '../net/connection.js';
import { whyReadOnly } from '../core/channels.js';

export function createThread(app) {
  const pane = $('#thread');
  let state = null; // {channel, root, replies: Map}

  async function open(channel, root) {
    state = { channel, root: { ...root }, replies: new Map() };
    app.showTab('thread');
    pane.replaceChildren(h('p.muted', 'Loading the thread…'));
    try {
      const r = await app.conn.request({ type: 'history', channel, threadId: root.messageId, limit: 100 });
      if (!state || state.root.messageId !== root.messageId) return;
      if (r.root) state.root = r.root;
      (r.messages || []).forEach((m) => state.replies.set(m.messageId, m));
      render();
      pane.querySelector('textarea')?.focus();
    } catch (e) {
      pane.replaceChildren(h('p.error', `The thread could not be loaded: ${e.message}`));
    }
  }

  function render() {
    if (!state) return;
    const input = h('textarea', { rows: 2, placeholder: 'Reply in the thread', 'aria-label': 'Reply in the thread' });
    const send = () => {
      const content = input.value.trim();
      if (!content) return;
      input.value = '';
      app.conn.request({ type: 'chat', channel: state.channel, content, threadId: state.root.messageId,
        idempotencyKey: newKey(), mentions: mentionsIn(content) })
        .catch((e) => { input.value = content; app.emit('toast', `Reply not sent: ${e.message}`); });
    };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } });
    const readOnly = whyReadOnly(app.channels?.find((c) => c.name === state.channel), app.me.roles || []);
    const replies = [...state.replies.values()].sort((a, b) => a.seq - b.seq);
    const onEdit = (m) => { const el = pane.querySelector(`[data-id="${CSS.escape(m.messageId)}"]`); if (el) editInline(app, el, m); };
    pane.replaceChildren(
      h('div.thread-head', h('h2', 'Thread'), h('button.icon', { type: 'button', 'aria-label': 'Close thread', title: 'Close thread', onclick: close }, icon('x'))),
      h('div.thread-root', messageElement(app, state.root, { inThread: true, onEdit })),
      h('div.divider', h('span', `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`)),
      h('div.thread-replies', { role: 'log', 'aria-label': 'Replies' }, replies.map((m) => messageElement(app, m, { inThread: true, onEdit }))),
      readOnly ? h('p.read-only', { role: 'note' }, readOnly)
        : h('form.thread-form', { onsubmit: (e) => { e.preventDefault(); send(); } }, input, h('button.primary', 'Reply')));
  }

  function close() { state = null; pane.replaceChildren(h('p.muted', 'Open a thread from a message ("Reply in thread").')); app.showTab('runs'); }

  /** Renders again, keeping what the user was typing in the reply box (and its focus). */
  function rerender() {
    const t = pane.querySelector('.thread-form textarea');
    const text = t ? t.value : '';
    const focused = t && document.activeElement === t;
    render();
    const n = pane.querySelector('.thread-form textarea');
    if (n) { n.value = text; if (focused) n.focus(); }
  }
  app.on('users', () => { if (state) rerender(); }); // names learnt after the thread opened

  return {
    open,
    live(m) {
      if (state && m.threadId === state.root.messageId) {
        state.replies.set(m.messageId, m);
        rerender();
      }
    },
    change(ev) {
      if (!state) return;
      const m = ev.messageId === state.root.messageId ? state.root : state.replies.get(ev.messageId);
      if (m && applyChange(m, ev, app.me.userId)) rerender();
    },
  };
}
