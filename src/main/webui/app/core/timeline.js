// The messages of one channel as the view holds them: a contiguous run of the channel's top-level
// messages (ordered by seq), bounded to `limit` so the DOM stays small however long the channel
// is. It knows whether it reaches the live end (`atLatest`) and whether older ones exist
// (`hasOlder`); while the reader is scrolled into the past, live messages only count as unseen
// (the "new messages" pill) and are fetched again when the reader comes back down.
// Pure: no DOM, no network (views and tests drive it).

import { dayKey, dayLabel } from './format.js';

export const LIMIT = 300;
/** Consecutive messages of one author within this gap share one header. */
export const GROUP_GAP_MS = 5 * 60_000;

export class Timeline {
  constructor(limit = LIMIT) {
    this.limit = limit;
    this.items = [];
    this.byId = new Map();
    this.hasOlder = false;
    this.atLatest = true;
    this.unseen = 0;
  }

  get firstSeq() { return this.items.length ? this.items[0].seq : null; }
  get lastSeq() { return this.items.length ? this.items[this.items.length - 1].seq : null; }
  get size() { return this.items.length; }

  /** The newest page (history without `before`): the view starts at the live end. */
  resetLatest(messages, hasMore) {
    this.#set(messages);
    this.hasOlder = hasMore;
    this.atLatest = true;
    this.unseen = 0;
    this.#trim('front');
  }

  /** A page around a message in the past (a search hit): older ones before it, newer ones after. */
  resetAround(older, olderHasMore, newer, newerHasMore) {
    this.#set([...older, ...newer]);
    this.hasOlder = olderHasMore;
    this.atLatest = !newerHasMore;
    this.unseen = 0;
  }

  /** An older page (scrolled to the top): drops the newest beyond the limit. Answers how many were added. */
  prependOlder(messages, hasMore) {
    const fresh = messages.filter((m) => !this.byId.has(m.messageId) && (this.firstSeq === null || m.seq < this.firstSeq));
    this.items = [...fresh, ...this.items];
    fresh.forEach((m) => this.byId.set(m.messageId, m));
    this.hasOlder = hasMore;
    this.#trim('back');
    return fresh.length;
  }

  /** A newer page (scrolled to the bottom while in the past). */
  appendNewer(messages, hasMore) {
    const fresh = messages.filter((m) => !this.byId.has(m.messageId) && (this.lastSeq === null || m.seq > this.lastSeq));
    this.items.push(...fresh);
    fresh.forEach((m) => this.byId.set(m.messageId, m));
    if (!hasMore) {
      this.atLatest = true;
      this.unseen = 0;
    }
    this.#trim('front');
    return fresh.length;
  }

  /**
   * A live `message` frame: 'appended' at the live end, 'updated' if held already (a replay),
   * 'unseen' while the reader is in the past, 'ignored' for thread replies (they live in the thread pane).
   */
  live(m) {
    if (m.threadId) return 'ignored';
    const held = this.byId.get(m.messageId);
    if (held) { Object.assign(held, m); return 'updated'; }
    if (!this.atLatest) { this.unseen++; return 'unseen'; }
    if (this.lastSeq !== null && m.seq <= this.lastSeq) return 'ignored';
    this.items.push(m);
    this.byId.set(m.messageId, m);
    this.#trim('front');
    return 'appended';
  }

  /**
   * A change event of the channel stream applied to the message it names (if held): answers the
   * changed message, or null. `me` decides whether a reaction is the viewer's own.
   */
  apply(ev, me) {
    const m = this.byId.get(ev.messageId);
    return m ? applyChange(m, ev, me) : null;
  }

  /** The rows to render: date dividers and messages, each flagged `grouped` under the previous one's header. */
  rows(now = new Date()) {
    const out = [];
    let prev = null;
    for (const m of this.items) {
      const day = dayKey(m.timestamp);
      if (!prev || dayKey(prev.timestamp) !== day) {
        out.push({ kind: 'divider', key: 'd' + day, label: dayLabel(m.timestamp, now) });
        prev = null;
      }
      out.push({ kind: 'message', key: m.messageId, msg: m, grouped: groupsWith(prev, m) });
      prev = m;
    }
    return out;
  }

  #set(messages) {
    this.items = [...messages];
    this.byId = new Map(this.items.map((m) => [m.messageId, m]));
  }

  /** Keeps at most `limit`: from the front (oldest) at the live end, from the back when reading the past. */
  #trim(side) {
    const extra = this.items.length - this.limit;
    if (extra <= 0) return;
    const dropped = side === 'front' ? this.items.splice(0, extra) : this.items.splice(this.items.length - extra, extra);
    dropped.forEach((m) => this.byId.delete(m.messageId));
    if (side === 'front') this.hasOlder = true; else this.atLatest = false;
  }
}

/** Whether `m` sits under `prev`'s header: same author and kind, not deleted, within the gap. */
export function groupsWith(prev, m) {
  if (!prev || prev.authorId !== m.authorId || prev.authorType !== m.authorType) return false;
  if (m.authorType === 'system') return false;
  const gap = new Date(m.timestamp) - new Date(prev.timestamp);
  return gap >= 0 && gap <= GROUP_GAP_MS;
}

/** Applies a §7 change event to a message object (also used by the thread pane). */
export function applyChange(m, ev, me) {
  switch (ev.type) {
    case 'message_edited':
      m.content = ev.content; m.editedAt = ev.editedAt; m.editedBy = ev.editedBy; break;
    case 'message_updated': // an agent's answer growing: the whole text so far, and whether it is over
      if (m.status && m.status !== 'streaming') return null; // an end is final
      m.content = ev.content; m.status = ev.status; break;
    case 'message_deleted':
      m.deleted = true; m.content = null; m.attachments = []; m.deletedAt = ev.deletedAt; break;
    case 'reaction_updated': {
      const r = m.reactions || (m.reactions = { counts: {}, mine: [] });
      r.counts = ev.counts || {};
      if (ev.userId === me) {
        const mine = new Set(r.mine || []);
        if (ev.op === 'add') mine.add(ev.emoji); else mine.delete(ev.emoji);
        r.mine = [...mine];
      }
      break;
    }
    case 'message_pinned':
      m.pinned = ev.pinned; m.pinnedBy = ev.by; break;
    case 'thread_updated':
      m.threadSummary = ev.threadSummary; break;
    default:
      return null;
  }
  m.version = (m.version || 0) + 1;
  return m;
}
