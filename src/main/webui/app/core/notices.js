// What deserves a browser notification, and the tab title's count. Pure: the page hands in the
// frame and what it knows; notify.js raises them.

/**
 * The notice a frame deserves for `me`, or null: a message that mentions me or comes in a DM of
 * mine (not my own, not in a muted channel, not one I am looking at), or a gate waiting for a
 * decision I may make. `{title, body, link, tag}`.
 */
export function noticeFor(f, { me, channels = [], muted = new Set(), looking = null, nameOf = (id) => id, approver = false }) {
  if (f.type === 'message' && f.authorId !== me && f.authorType !== 'system') {
    if (muted.has(f.channel) || f.channel === looking) return null;
    const c = channels.find((x) => x.name === f.channel);
    const dm = c?.type === 'dm';
    if (!dm && !(f.mentions || []).includes(me)) return null;
    const who = f.authorType === 'agent' ? f.agentName || f.authorId : nameOf(f.authorId);
    if (f.status === 'streaming') return null; // an agent's answer is noticed when it is complete
    return { title: dm ? who : `${who} in #${f.channel}`, body: String(f.content || '').slice(0, 140),
      link: '#/c/' + encodeURIComponent(f.channel), tag: 'msg-' + f.messageId };
  }
  if (f.type === 'message_updated' && f.status === 'complete') {
    return null; // (the answer's first frame carried who it was for; its end is shown in the page)
  }
  if ((f.type === 'approvals_changed' && f.status === 'pending' && approver) || f.type === 'approval_required') {
    return { title: 'An approval is waiting for you', body: f.title || 'A workflow stopped at a gate.',
      link: '#/approval/' + encodeURIComponent(f.approvalId), tag: 'gate-' + f.approvalId };
  }
  return null;
}

/** The tab title with the count of what waits unseen: "(3) #general · agentbus". */
export function titled(base, count) {
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base;
}
