// The results pane: full-text search (ranked, with snippets; a hit jumps to its message) and a
// channel's pins.

import { $, h } from './dom.js';
import { time } from '../core/format.js';
import { applyChange } from '../core/timeline.js';
import { render as markdown } from './markdown.js';
import { attachmentList } from './files.js';

export function createResults(app, { jump }) {
  const pane = $('#results');
  let shown = []; // messages listed (updated by live changes)

  $('#search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('#search-input').value.trim();
    if (q) search(q);
  });

  async function search(query, before = null, more = false) {
    app.showTab('results');
    if (!more) { shown = []; pane.replaceChildren(h('p.muted', `Searching for “${query}”…`)); }
    try {
      const frame = { type: 'search', query, limit: 20 };
      if (before !== null) frame.before = before;
      const r = await app.conn.request(frame);
      const items = (r.results || []).map((x) => {
        shown.push(x.message);
        return h('li', h('button.result', { type: 'button', onclick: () => jump(x.channel, x.message.messageId, x.message.seq) },
          h('div.meta', h('span.cname', '#' + x.channel), ' · ', h('span', app.name(x.message.authorId)), ' · ',
            h('time', time(x.message.timestamp))),
          h('div.snippet', snippet(x.snippet || x.message.content, query))));
      });
      const list = more ? pane.querySelector('ul.results') : h('ul.results');
      list.append(...items);
      if (!more) pane.replaceChildren(h('h2', `Results for “${query}”`), list);
      pane.querySelector('.more')?.remove();
      if (!more && !items.length) pane.append(h('p.muted', 'Nothing found.'));
      if (r.hasMore) pane.append(h('button.more.ghost', { type: 'button', onclick: () => search(query, r.nextBefore, true) }, 'More results'));
    } catch (e) {
      pane.replaceChildren(h('p.error', `Search failed: ${e.message}`));
    }
  }

  async function pins(channel) {
    app.showTab('results');
    pane.replaceChildren(h('p.muted', 'Loading pins…'));
    try {
      const r = await app.conn.request({ type: 'pins', channel });
      shown = r.pins || [];
      pane.replaceChildren(h('h2', `Pinned in #${channel}`), shown.length ? h('ul.results.pins', shown.map((m) => h('li.pin',
        // A pin reads like the message it is (markdown, mentions, attachments); the jump is its own button.
        h('div.meta', h('span.name', m.authorType === 'agent' ? (m.agentName || m.authorId) : app.name(m.authorId)), ' · ',
          h('time', { datetime: m.timestamp }, time(m.timestamp)), m.editedAt ? h('span.muted', ' (edited)') : null,
          h('button.link.jump', { type: 'button', onclick: () => jump(channel, m.messageId, m.seq) }, 'Jump to message')),
        h('div.content.md', markdown(m.content, { mentions: m.mentions || [], me: app.me.userId })),
        m.attachments?.length ? attachmentList(app, m.attachments) : null))) : h('p.muted', 'Nothing is pinned here.'));
    } catch (e) {
      pane.replaceChildren(h('p.error', `Pins could not be loaded: ${e.message}`));
    }
  }

  return {
    pins,
    change(ev) { const m = shown.find((x) => x.messageId === ev.messageId); if (m) applyChange(m, ev, app.me.userId); },
  };
}

/**
 * A snippet with the query's words marked (as elements: the text stays text). The server marks
 * matches with `**`, which markdown content uses too, so its marks are dropped and the words the
 * user typed are marked here instead (by word prefix, as the stemmed search matches them).
 */
export function snippet(text, query) {
  const plain = String(text).replace(/\*\*/g, '');
  const words = String(query).toLowerCase().split(/[\s"()]+/).map((w) => w.replace(/^[-+]/, ''))
    .filter((w) => w.length >= 2 && w !== 'or' && w !== 'and');
  if (!words.length) return [plain];
  const re = new RegExp(`\\b(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const out = [];
  let last = 0;
  for (const m of plain.matchAll(re)) {
    out.push(plain.slice(last, m.index), h('mark', m[0]));
    last = m.index + m[0].length;
  }
  out.push(plain.slice(last));
  return out;
}
