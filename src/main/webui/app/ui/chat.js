// The open channel: its last page from `history`, then live from `subscribe {lastSeq}`; older
// pages on scroll-up and newer ones on scroll-down after a jump into the past, over a Timeline
// bounded to a few hundred messages (the DOM stays small however long the channel is). Scrolled
// up, new messages never pull the reader down: a "new messages" pill counts them instead.

import { $, h, perFrame, announce } from './dom.js';
import { icon } from './icons.js';
import { Timeline } from '../core/timeline.js';
import { messageElement, editInline } from './message.js';
import { createComposer } from './composer.js';
import { createThread } from './thread.js';
import { createResults } from './results.js';
import { dialog } from './layout.js';
import { newKey } from '../net/connection.js';
import { whyReadOnly, channelTitle, dmPeer } from '../core/channels.js';
import { membersDialog } from './members.js';
import { channelSettings } from './channel-settings.js';

const PAGE = 50;
/** Within this many pixels of an edge counts as at it. */
const EDGE_PX = 120;

export function createChat(app) {
  const scroller = $('#messages');
  const list = $('#list');
  const pill = $('#new-pill');
  let tl = new Timeline();
  let channel = null;
  let loading = false;
  let generation = 0;          // bumps on every channel switch: late answers for an old channel are dropped
  const cache = new Map();     // messageId → {el, version, grouped}
  const pending = [];          // own messages sent, not yet seen in the timeline
  let belowCount = 0;          // live messages appended while the reader was scrolled up
  let lastRead = 0;
  let flash = null;            // {id, until}: the message a search jumped to

  const thread = createThread(app);
  const results = createResults(app, { jump });
  const composer = createComposer(app, {
    input: $('#composer-input'), form: $('#composer'), files: $('#composer-files'), suggest: $('#suggest'),
    channel: () => channel,
    onSend: sendChat,
    onEditLast: editLast,
  });

  // ------------------------------------------------------------------ rendering
  const draw = perFrame(renderNow);
  // What a message replies to, if this page has it (an agent's answer links to its question).
  app.findMessage = (id) => tl?.byId.get(id) || null;
  const authorName = (m) => (m.authorType === 'agent' ? m.agentName || m.authorId : app.name(m.authorId));

  function renderNow() {
    const atBottom = nearBottom();
    const anchor = atBottom ? null : firstVisible();
    const nodes = [];
    for (const row of tl.rows()) {
      if (row.kind === 'divider') {
        nodes.push(h('div.divider', { role: 'separator', dataset: { key: row.key } }, h('span', row.label)));
        continue;
      }
      nodes.push(elementFor(row.msg, row.grouped));
    }
    for (const p of pending) if (!(p.ackedId && tl.byId.has(p.ackedId))) nodes.push(p.el);
    list.replaceChildren(...nodes);
    // A message jumped to stays marked across re-renders (an older page may rebuild its element).
    if (flash && Date.now() < flash.until) list.querySelector(`[data-id="${CSS.escape(flash.id)}"]`)?.classList.add('flash');
    $('#older').hidden = !(tl.hasOlder && loading);
    if (atBottom && tl.atLatest) scrollToBottom();
    else if (anchor) restore(anchor);
    updatePill();
  }

  function elementFor(m, grouped) {
    const c = cache.get(m.messageId);
    if (c && c.version === (m.version || 0) && c.grouped === grouped) return c.el;
    const el = messageElement(app, m, { grouped, onThread: (x) => thread.open(channel, x), onEdit: (x) => edit(x) });
    cache.set(m.messageId, { el, version: m.version || 0, grouped });
    return el;
  }

  function nearBottom() { return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < EDGE_PX; }
  function scrollToBottom() { scroller.scrollTop = scroller.scrollHeight; belowCount = 0; }

  /** The first message at least partly visible, and where it is, to keep it in place across a re-render. */
  function firstVisible() {
    const top = scroller.getBoundingClientRect().top;
    for (const el of list.children) {
      const r = el.getBoundingClientRect();
      if (r.bottom > top && el.dataset.id) return { id: el.dataset.id, offset: r.top - top };
    }
    return null;
  }
  function restore(anchor) {
    const el = list.querySelector(`[data-id="${CSS.escape(anchor.id)}"]`);
    if (el) scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - anchor.offset;
  }

  function updatePill() {
    const n = tl.atLatest ? belowCount : tl.unseen;
    const show = !nearBottom() && (n > 0 || !tl.atLatest);
    pill.hidden = !show;
    pill.textContent = n > 0 ? `${n} new message${n === 1 ? '' : 's'} ↓` : 'Jump to latest ↓';
  }

  // ------------------------------------------------------------------ loading
  async function open(c) {
    const gen = ++generation;
    if (channel) app.conn.unfollow('channel:' + channel, { channel });
    channel = c.name;
    tl = new Timeline();
    cache.clear();
    pending.length = 0;
    belowCount = 0;
    lastRead = 0;
    header(c);
    list.replaceChildren(h('p.muted.loading', 'Loading…'));
    composer.channelChanged();
    await loadLatest(gen);
  }

  /** The channel's header and whether it can be written in (again when it is renamed or archived). */
  function header(c) {
    const title = channelTitle(c, (id) => app.name(id));
    $('#channel-name').replaceChildren(c.type === 'dm' ? '' : c.private ? icon('lock', 'private') : '# ', c.type === 'dm' ? title : ' ' + title);
    $('#channel-desc').textContent = c.type === 'dm' && dmPeer(c)?.startsWith('@')
      ? `A conversation with the ${title} agent: every message is a task for it.` : c.description || '';
    $('#show-members').hidden = !(c.private && c.type !== 'dm');
    app.setTitle(`${c.type === 'dm' ? title : '#' + title} · agentbus`);
    drawMute();
    // A channel the user may not post in says so where the composer would be (its Send could never succeed).
    const why = whyReadOnly(c, app.me.roles || []);
    $('#composer').hidden = !!why;
    $('#read-only').hidden = !why;
    $('#read-only').textContent = why || '';
    $('#channel-settings').hidden = c.type === 'dm' || !(app.has('admin') || c.createdBy === app.me.userId);
  }
  app.on('channel-meta', (c) => { if (c.name === channel) header(c); });
  $('#channel-settings').addEventListener('click', () => {
    const c = app.channels.find((x) => x.name === channel);
    if (c) channelSettings(app, c);
  });

  /** The newest page, then live from its last seq (nothing between is missed: the subscribe replays it). */
  async function loadLatest(gen = generation) {
    loading = true;
    try {
      const page = await app.conn.request({ type: 'history', channel, limit: PAGE, topLevel: true });
      if (gen !== generation) return;
      tl.resetLatest(page.messages || [], page.hasMore);
      (page.messages || []).forEach((m) => app.learn(m.authorId));
      cache.clear();
      const last = Math.max(0, ...(page.messages || []).map((m) => m.seq));
      app.conn.follow('channel:' + channel, { channel }, last);
      renderNow();
      scrollToBottom();
      markRead();
    } catch (e) {
      if (gen !== generation) return;
      list.replaceChildren(h('p.error', `This channel could not be loaded: ${e.message} `,
        h('button.link', { type: 'button', onclick: () => loadLatest() }, 'Retry')));
    } finally {
      if (gen === generation) loading = false;
    }
  }

  /** An older page (scrolled to the top). */
  function loadOlder() {
    if (tl.hasOlder && tl.firstSeq !== null) {
      loadPage({ before: tl.firstSeq }, (page) => tl.prependOlder(page.messages || [], page.hasMore), 'Older', true);
    }
  }

  /** A newer page (scrolled to the bottom while reading the past). */
  function loadNewer() {
    if (!tl.atLatest && tl.lastSeq !== null) {
      loadPage({ after: tl.lastSeq }, (page) => tl.appendNewer(page.messages || [], page.hasMore), 'Newer', false);
    }
  }

  /** One history page beside the window (`before` or `after`), applied unless the window changed meanwhile. */
  async function loadPage(where, apply, label, showSpinner) {
    if (loading) return;
    loading = true;
    if (showSpinner) $('#older').hidden = false;
    const gen = generation;
    try {
      const page = await app.conn.request({ type: 'history', channel, ...where, limit: PAGE, topLevel: true });
      if (gen !== generation) return;
      apply(page);
      renderNow();
    } catch (e) {
      app.emit('toast', `${label} messages could not be loaded: ${e.message}`);
    } finally {
      if (gen === generation) loading = false;
      if (showSpinner) $('#older').hidden = true;
    }
  }

  /** Shows message `seq`/`id` of `ch`: in place if held, else a page around it. */
  async function jump(ch, messageId, seq) {
    if (ch !== channel) { app.openChannel(ch); await waitFor(() => channel === ch && !loading); }
    if (!tl.byId.has(messageId)) {
      // A new window: pages still in flight for the old one are dropped when they come back.
      const gen = ++generation;
      loading = true;
      try {
        const [older, newer] = await Promise.all([
          app.conn.request({ type: 'history', channel, before: seq + 1, limit: 25, topLevel: true }),
          app.conn.request({ type: 'history', channel, after: seq, limit: 25, topLevel: true })]);
        if (gen !== generation) return;
        tl.resetAround(older.messages || [], older.hasMore, newer.messages || [], newer.hasMore);
        cache.clear();
        renderNow();
      } finally {
        if (gen === generation) loading = false;
      }
    }
    const el = list.querySelector(`[data-id="${CSS.escape(messageId)}"]`);
    if (el) {
      flash = { id: messageId, until: Date.now() + 2500 };
      el.scrollIntoView({ block: 'center' });
      el.classList.add('flash');
      el.focus({ preventScroll: true });
      setTimeout(() => list.querySelectorAll('.flash').forEach((x) => x.classList.remove('flash')), 2500);
    }
    updatePill();
  }

  // ------------------------------------------------------------------ live
  app.on('frame', (f) => {
    if (f.type === 'message' && f.authorType === 'user') app.learn(f.authorId);
    if (f.channel !== channel || !channel) return;
    if (f.type === 'message') {
      if (f.threadId) { thread.live(f); return; }
      const wasBottom = nearBottom();
      const r = tl.live(f);
      if (r === 'appended' || r === 'updated') {
        if (r === 'appended' && !wasBottom) belowCount++;
        if (f.authorId === app.me.userId) {
          const mine = pending.find((x) => x.ackedId === f.messageId || (!x.ackedId && x.p.content === f.content));
          if (mine) pending.splice(pending.indexOf(mine), 1);
        }
        if (f.authorId !== app.me.userId && r === 'appended') announce(f.status === 'streaming' ? `${authorName(f)} is thinking…`
          : `${authorName(f)}: ${String(f.content).slice(0, 140)}`);
        draw();
        if (wasBottom) markRead();
      } else if (r === 'unseen') {
        updatePill();
      }
    } else if (['message_edited', 'message_updated', 'message_deleted', 'reaction_updated', 'message_pinned', 'thread_updated'].includes(f.type)) {
      const m = tl.apply(f, app.me.userId);
      if (m && f.type === 'message_updated' && f.status !== 'streaming') announce(`${authorName(m)}: ${String(m.content).slice(0, 140)}`);
      thread.change(f);
      results.change(f);
      if (m) draw();
    } else if (f.type === 'typing_update') {
      const others = (f.users || []).filter((u) => u !== app.me.userId).map((u) => app.name(u));
      $('#typing').textContent = others.length === 0 ? '' : others.length === 1 ? `${others[0]} is typing…`
        : others.length < 4 ? `${others.join(', ')} are typing…` : 'Several people are typing…';
    }
  });
  app.on('channel', open);
  app.on('users', () => { cache.clear(); draw(); });
  app.on('online', () => {
    // Followed streams resume by themselves (lastSeq); a channel whose first page never came is loaded now.
    if (channel && tl.size === 0 && !loading) loadLatest();
  });

  scroller.addEventListener('scroll', perFrame(() => {
    if (scroller.scrollTop < EDGE_PX) loadOlder();
    if (nearBottom()) {
      if (!tl.atLatest) loadNewer();
      else { belowCount = 0; markRead(); }
    }
    updatePill();
  }), { passive: true });
  pill.addEventListener('click', () => {
    if (tl.atLatest) { scrollToBottom(); updatePill(); } else { loadLatest(++generation); }
  });

  function markRead() {
    const seq = tl.atLatest ? tl.lastSeq : null;
    if (!seq || seq <= lastRead || document.hidden) return;
    lastRead = seq;
    app.conn.send({ type: 'read', channel, seq });
  }
  document.addEventListener('visibilitychange', () => { if (!document.hidden && nearBottom()) markRead(); });

  // ------------------------------------------------------------------ sending, editing, deleting
  function sendChat({ content, attachments, mentions }) {
    const key = newKey();
    const p = { messageId: null, authorId: app.me.userId, authorType: 'user', content, channel, attachments: [],
      timestamp: new Date().toISOString(), mentions };
    const frame = { type: 'chat', channel, content, idempotencyKey: key };
    if (attachments.length) frame.attachments = attachments;
    if (mentions.length) frame.mentions = mentions;
    const entry = { p, el: null, ackedId: null };
    const go = () => {
      p.failed = null;
      entry.el = messageElement(app, p, { pending: true });
      app.conn.request(frame).then((ack) => {
        if (ack.type === 'command_result') { remove(entry); showCommand(ack); return; }
        entry.ackedId = ack.messageId;
        if (tl.byId.has(ack.messageId) || !tl.atLatest) remove(entry); else draw();
        setTimeout(() => remove(entry), 5000);
      }).catch((e) => {
        p.failed = e.message;
        p.retry = () => { remove(entry); pending.push(entry); go(); };
        entry.el = messageElement(app, p, { pending: true });
        draw();
      });
      draw();
    };
    if (!content.startsWith('/')) pending.push(entry);
    else {
      app.conn.request(frame).then(showCommand).catch((e) => showCommand({ command: content.split(' ')[0], ok: false, output: e.message }));
      return;
    }
    go();
    if (!tl.atLatest) loadLatest();
    else requestAnimationFrame(scrollToBottom);
  }
  function remove(entry) {
    const i = pending.indexOf(entry);
    if (i >= 0) { pending.splice(i, 1); draw(); }
  }

  function showCommand(r) {
    const el = h('div.command-result', { class: r.ok === false ? 'failed' : '', role: 'status' },
      h('div.cmd', r.command ? `/${String(r.command).replace(/^\//, '')}` : 'command'), h('pre', r.output || ''),
      h('button.icon', { type: 'button', 'aria-label': 'Dismiss', onclick: () => { el.remove(); } }, icon('x')));
    list.append(el);
    scrollToBottom();
  }

  function edit(m) {
    const el = list.querySelector(`[data-id="${CSS.escape(m.messageId)}"]`);
    if (el) editInline(app, el, m, () => $('#composer-input').focus());
  }
  function editLast() {
    const mine = [...tl.items].reverse().find((m) => m.authorId === app.me.userId && m.authorType === 'user' && !m.deleted);
    if (mine) edit(mine);
    return !!mine;
  }
  app.on('delete', async (m) => {
    const choice = await dialog('Delete this message?', h('p', 'It is removed for everyone; a note that it was deleted stays.'),
      [['Delete', 'delete', 'danger'], ['Cancel', 'cancel']]);
    if (choice !== 'delete') return;
    app.conn.request({ type: 'message_delete', channel: m.channel, messageId: m.messageId })
      .catch((e) => app.emit('toast', `Delete failed: ${e.message}`));
  });

  // Toasts: brief notes for failed actions (never lines in the conversation).
  app.on('toast', (text) => {
    const t = h('div.toast', { role: 'alert' }, text);
    document.body.append(t);
    setTimeout(() => t.remove(), 5000);
  });

  $('#show-pins').addEventListener('click', () => results.pins(channel));
  $('#show-members').addEventListener('click', () => membersDialog(app, channel));
  function drawMute() {
    const m = app.isMuted(channel);
    $('#mute').replaceChildren(icon(m ? 'bell-off' : 'bell'));
    $('#mute').setAttribute('aria-pressed', String(m));
    $('#mute').title = m ? 'Muted: no notifications from here (click to unmute)' : 'Mute this channel\'s notifications';
  }
  $('#mute').addEventListener('click', () => { app.toggleMute(channel); drawMute(); });
}

function waitFor(cond, ms = 5000) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const tick = () => (cond() || Date.now() - t0 > ms ? resolve() : setTimeout(tick, 30));
    tick();
  });
}
