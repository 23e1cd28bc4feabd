// One message as an element: avatar and name (unless grouped under the previous one), time,
// markdown content, attachments, reactions (with the picker), thread link and the actions a
// user may take on it. Each element is cached by the list and rebuilt only when its message changes.

import { h } from './dom.js';
import { render as markdown } from './markdown.js';
import { initials, hue, time } from '../core/format.js';
import { attachmentList } from './files.js';
import { pickEmoji } from './emoji.js';
import { icon } from './icons.js';

export function messageElement(app, m, { grouped = false, inThread = false, onThread, onEdit, pending = false } = {}) {
  const mine = m.authorId === app.me.userId;
  const name = m.authorType === 'agent' ? (m.agentName || m.authorId) : app.name(m.authorId);
  const el = h('article.msg', {
    class: [grouped && 'grouped', m.authorType === 'agent' && 'agent', m.authorType === 'system' && 'system',
      mine && 'mine', pending && 'pending', m.deleted && 'deleted', m.pinned && 'pinned',
      (m.mentions || []).includes(app.me.userId) && 'mentions-me'].filter(Boolean).join(' '),
    dataset: { id: m.messageId || '', seq: m.seq || '' }, tabindex: '-1',
    'aria-label': `${name} at ${time(m.timestamp)}`,
  });
  el.append(grouped ? h('div.gutter', h('time', { datetime: m.timestamp }, time(m.timestamp)))
    : h('div.avatar', { style: { '--h': hue(m.authorId) }, 'aria-hidden': 'true' },
      m.authorType === 'agent' ? icon('bot') : m.authorType === 'system' ? icon('info') : initials(name)));
  const body = h('div.body');
  if (!grouped) {
    body.append(h('header',
      h('span.name', name), m.authorType === 'agent' ? h('span.tag', { title: `${m.authorId} agent` }, kindLabel(m.agentKind)) : null,
      m.authorType === 'system' ? h('span.tag', 'system') : null,
      h('time', { datetime: m.timestamp, title: new Date(m.timestamp).toLocaleString() }, time(m.timestamp)),
      m.pinned ? h('span.tag.pin', { title: m.pinnedBy ? `pinned by ${app.name(m.pinnedBy)}` : 'pinned' }, icon('pin'), ' pinned') : null));
  }
  if (m.replyTo && !inThread) {
    const q = app.findMessage?.(m.replyTo);
    body.append(h('div.reply-to', { title: q ? String(q.content || '').slice(0, 300) : '' }, icon('arrow-left'),
      q ? ` ${q.authorType === 'agent' ? q.agentName || q.authorId : app.name(q.authorId)}: ${String(q.content || '').slice(0, 80)}`
        : ' in reply to an earlier message'));
  }
  if (m.deleted) {
    body.append(h('div.content.tombstone', 'This message was deleted.'));
  } else if (m.workflowId && app.runCard) {
    // A run started from this channel: its live card (steps, progress, gate, result), the panel's twin.
    body.append(h('div.started', `${app.name(m.authorId)} started a workflow`), app.runCard(m.workflowId));
  } else {
    const streaming = m.status === 'streaming';
    if (!streaming || m.content) body.append(h('div.content.md', { class: m.status === 'failed' ? 'failed' : '' },
      markdown(m.content, { mentions: m.mentions || [], me: app.me.userId })));
    // An agent's answer while it is produced (§7.1): who is at it, then the text as it grows.
    if (streaming) body.append(h('div.working', { role: 'status' }, h('span.dots', { 'aria-hidden': 'true' }),
      m.content ? `${name} is writing…` : `${name} is thinking…`));
    if (m.editedAt) body.append(h('span.edited', { title: new Date(m.editedAt).toLocaleString() }, '(edited)'));
    if (m.attachments?.length) body.append(attachmentList(app, m.attachments));
  }
  if (pending) body.append(h('div.status', m.failed ? h('span.err', `Not sent: ${m.failed} `) : 'Sending…',
    m.failed ? h('button.link', { type: 'button', onclick: m.retry }, 'Retry') : null));
  if (!m.deleted && !pending && m.status !== 'streaming') {
    body.append(reactions(app, m));
    if (!inThread && m.threadSummary && m.threadSummary.replies > 0) {
      const s = m.threadSummary;
      body.append(h('button.thread-link', { type: 'button', onclick: () => onThread?.(m) },
        `${s.replies} ${s.replies === 1 ? 'reply' : 'replies'}`, s.lastReplyAt ? h('span.muted', ` · last ${time(s.lastReplyAt)}`) : null));
    }
  }
  el.append(body);
  if (!m.deleted && !pending && m.messageId && m.status !== 'streaming') el.append(actions(app, m, { mine, inThread, onThread, onEdit }));
  return el;
}

/** How an agent is played, as its tag says: "model" reads better than the kind's name "openai". */
export function kindLabel(kind) {
  return { openai: 'agent · model', scripted: 'agent · scripted', worker: 'agent · worker' }[kind] || 'agent';
}

function reactions(app, m) {
  const counts = m.reactions?.counts || {};
  const mine = new Set(m.reactions?.mine || []);
  const react = (emoji, op) => app.conn.request({ type: 'reaction', channel: m.channel, messageId: m.messageId, emoji, op })
    .catch((e) => app.emit('toast', `Reaction failed: ${e.message}`));
  const chips = Object.entries(counts).filter(([, n]) => n > 0).map(([emoji, n]) =>
    h('button.reaction', { type: 'button', class: mine.has(emoji) ? 'mine' : '', 'aria-pressed': String(mine.has(emoji)),
      title: mine.has(emoji) ? 'Remove your reaction' : 'React', onclick: () => react(emoji, mine.has(emoji) ? 'remove' : 'add') },
    emoji, h('span.n', String(n))));
  if (!chips.length) return h('div.reactions.empty');
  return h('div.reactions', chips);
}

function actions(app, m, { mine, inThread, onThread, onEdit }) {
  const may = mine || app.has('admin');
  const bar = h('div.actions', { role: 'toolbar', 'aria-label': 'Message actions' });
  bar.append(h('button.icon', { type: 'button', title: 'Add a reaction', 'aria-label': 'Add a reaction',
    onclick: (e) => pickEmoji(e.currentTarget, (emoji) => app.conn.request({ type: 'reaction', channel: m.channel,
      messageId: m.messageId, emoji, op: 'add' }).catch((err) => app.emit('toast', err.message))) }, icon('smile-plus')));
  if (!inThread) bar.append(h('button.icon', { type: 'button', title: 'Reply in thread', 'aria-label': 'Reply in thread', onclick: () => onThread?.(m) }, icon('message-square')));
  if (mine && m.authorType === 'user') bar.append(h('button.icon', { type: 'button', title: 'Edit', 'aria-label': 'Edit', onclick: () => onEdit?.(m) }, icon('pencil')));
  bar.append(h('button.icon', { type: 'button', title: m.pinned ? 'Unpin' : 'Pin', 'aria-label': m.pinned ? 'Unpin' : 'Pin',
    onclick: () => app.conn.request({ type: 'pin', channel: m.channel, messageId: m.messageId, pinned: !m.pinned })
      .catch((e) => app.emit('toast', e.code === 'FORBIDDEN' ? 'You may not pin here.' : e.message)) }, icon('pin')));
  if (may) bar.append(h('button.icon.danger', { type: 'button', title: 'Delete', 'aria-label': 'Delete', onclick: () => app.emit('delete', m) }, icon('trash-2')));
  return bar;
}

/** Replaces a message's content with an inline editor; Enter saves, Escape cancels. */
export function editInline(app, el, m, done) {
  const content = el.querySelector('.content');
  if (!content) return;
  const area = h('textarea.editor', { 'aria-label': 'Edit message', rows: 2 });
  area.value = m.content || '';
  const finish = () => { area.replaceWith(content); done?.(); };
  const save = async () => {
    const text = area.value.trim();
    if (!text || text === m.content) { finish(); return; }
    area.disabled = true;
    try {
      await app.conn.request({ type: 'message_edit', channel: m.channel, messageId: m.messageId, content: text });
      finish();
    } catch (e) {
      area.disabled = false;
      app.emit('toast', `Edit failed: ${e.message}`);
    }
  };
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); save(); }
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); finish(); }
  });
  content.replaceWith(area);
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
}
