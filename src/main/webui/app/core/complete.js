// Autocomplete for the composer: `@name` mentions (people and agents) and `/command`s (with the
// usage the server's `/help` gives). Pure: the composer passes text and caret, gets suggestions.

/** The token being typed at `caret`: a mention or a command, or null. */
export function tokenAt(text, caret) {
  const before = text.slice(0, caret);
  const cmd = /^\/([a-z]*)$/i.exec(before);
  if (cmd) return { kind: 'command', query: cmd[1].toLowerCase(), start: 0, end: caret };
  const at = /(^|\s)@([\w.@-]*)$/u.exec(before);
  if (at) {
    const start = caret - at[2].length - 1;
    return { kind: 'mention', query: at[2].toLowerCase(), start, end: caret };
  }
  return null;
}

/**
 * Up to `max` suggestions for `token`: [{label, detail, insert}]. Prefix matches first, then
 * matches inside the name; agents before people with an equal match.
 */
export function suggest(token, { users = [], agents = [], commands = [] }, max = 8) {
  if (!token) return [];
  const q = token.query;
  const score = (s) => { const i = s.toLowerCase().indexOf(q); return i < 0 ? -1 : i === 0 ? 0 : 1; };
  let items;
  if (token.kind === 'command') {
    items = commands.map((c) => ({ label: '/' + c.command, detail: c.usage, insert: '/' + c.command + ' ',
      s: c.command.startsWith(q) ? 0 : -1, description: c.description })); // commands: by prefix only
  } else {
    const seen = new Set();
    items = [];
    for (const a of agents) {
      if (seen.has(a)) continue;
      seen.add(a);
      items.push({ label: '@' + a, detail: 'agent', insert: '@' + a + ' ', s: score(a), rank: 0 });
    }
    for (const u of users) {
      if (seen.has(u.userId)) continue;
      seen.add(u.userId);
      const s = Math.max(score(u.userId), score(u.displayName || '') === 0 ? 0 : score(u.displayName || ''));
      items.push({ label: '@' + u.userId, detail: u.displayName !== u.userId ? u.displayName : 'person',
        insert: '@' + u.userId + ' ', s, rank: 1 });
    }
  }
  return items.filter((i) => i.s >= 0)
    .sort((a, b) => a.s - b.s || (a.rank || 0) - (b.rank || 0) || a.label.localeCompare(b.label))
    .slice(0, max)
    .map(({ s, rank, ...rest }) => rest);
}

/** The text with `token` replaced by `insert`, and where the caret goes. */
export function complete(text, token, insert) {
  const out = text.slice(0, token.start) + insert + text.slice(token.end).replace(/^ /, '');
  return { text: out, caret: token.start + insert.length };
}

/**
 * Whether `item` adds nothing to what is typed: the token already reads as the suggestion (a
 * command typed out in full, "/status"), so Enter should send instead of completing it again.
 */
export function alreadyTyped(text, token, item) {
  return !!token && !!item && text.slice(token.start, token.end).toLowerCase() === item.insert.trim().toLowerCase();
}

/** The `@names` in a message, in order, without repeats (sent as `mentions`). */
export function mentionsIn(text) {
  const out = [];
  for (const m of String(text).matchAll(/(^|\s)@([A-Za-z0-9][\w.@-]{0,63})/gu)) {
    const name = m[2].replace(/[.@-]+$/, '');
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
