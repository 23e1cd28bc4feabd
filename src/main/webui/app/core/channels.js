// Channel rules the page applies before asking the server (which decides anyway): who may post,
// how a channel is titled (a DM by who is in it), and how the list is grouped. Pure functions.

const PLURAL = { admin: 'admins', approver: 'approvers', user: 'users', agent: 'agents' };

/**
 * Why the signed-in user cannot post in `channel` (a sentence for the place of the composer), or
 * null when they may. `writeRoles` null means everyone may post.
 */
export function whyReadOnly(channel, roles = []) {
  if (channel?.archived) return `#${channelTitle(channel)} is archived: it takes no new messages. Its history stays readable and searchable.`;
  const w = channel?.writeRoles;
  if (!Array.isArray(w) || w.some((r) => roles.includes(r))) return null;
  const who = w.map((r) => PLURAL[r] || r);
  const list = who.length <= 1 ? who.join('') : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}`;
  return `Only ${list || 'nobody'} can post in #${channel.name}. You can still read, react, search and follow its threads.`;
}

/** A DM is with a person (their user id) or an agent ("@code"); null for a channel. */
export function dmPeer(channel) {
  return channel?.type === 'dm' ? channel.with || null : null;
}

/** The title of a channel in the list and its header: "#name", or the DM's other side by name. */
export function channelTitle(channel, nameOf = (id) => id) {
  const peer = dmPeer(channel);
  if (channel?.type !== 'dm') return channel?.title || channel?.name || '';
  if (!peer) return 'Direct message';
  return peer.startsWith('@') ? peer.slice(1) : nameOf(peer);
}

/** The list as the sidebar shows it: channels (public and private), DMs, then archived channels, each by title. */
export function grouped(channels, nameOf = (id) => id) {
  const byTitle = (a, b) => channelTitle(a, nameOf).localeCompare(channelTitle(b, nameOf));
  return {
    channels: channels.filter((c) => c.type !== 'dm' && !c.archived).sort(byTitle),
    dms: channels.filter((c) => c.type === 'dm').sort(byTitle),
    archived: channels.filter((c) => c.type !== 'dm' && c.archived).sort(byTitle),
  };
}
