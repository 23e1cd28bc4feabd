// Channel rules the page applies before asking the server (which decides anyway): who may post.
// Pure functions.

const PLURAL = { admin: 'admins', approver: 'approvers', user: 'users', agent: 'agents' };

/**
 * Why the signed-in user cannot post in `channel` (a sentence for the place of the composer), or
 * null when they may. `writeRoles` null means everyone may post.
 */
export function whyReadOnly(channel, roles = []) {
  const w = channel?.writeRoles;
  if (!Array.isArray(w) || w.some((r) => roles.includes(r))) return null;
  const who = w.map((r) => PLURAL[r] || r);
  const list = who.length <= 1 ? who.join('') : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}`;
  return `Only ${list || 'nobody'} can post in #${channel.name}. You can still read, react, search and follow its threads.`;
}
