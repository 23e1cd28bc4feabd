// An approval gate as a form: title, description, the outputs to review, a live countdown to
// expiresAt, who may decide, and approve / reject with feedback / modify. Used inside a workflow
// card and in the approvals inbox; a decision made anywhere closes every open view of it.

import { h } from './dom.js';
import { icon } from './icons.js';
import { countdown, time } from '../core/format.js';
import { render as markdown } from './markdown.js';

const WHO = { owner: "the workflow's owner (or an approver)", approver: 'approvers', admin: 'admins' };

export function whoMayDecide(requiredBy) {
  if (!requiredBy) return WHO.owner;
  return WHO[requiredBy] || (requiredBy.startsWith('user:') ? requiredBy.slice(5) : requiredBy);
}

export function gateElement(app, g, { compact = false } = {}) {
  const open = g.status === 'pending';
  const el = h('section.gate', { class: open ? 'open' : 'closed', dataset: { approval: g.id, status: g.status }, 'aria-label': `Approval: ${g.title}` });
  el.append(h('header', h('strong', icon('pause'), ' ', g.title || 'Approval needed'),
    open && g.expiresAt ? h('span.countdown', { dataset: { expires: g.expiresAt }, title: `expires ${time(g.expiresAt)}` }, countdown(g.expiresAt)) : null));
  if (g.description) el.append(h('p', g.description));
  const outputs = Object.entries(g.outputs || {});
  if (outputs.length && !compact) {
    el.append(h('details.outputs', { open: true }, h('summary', 'Outputs to review'),
      outputs.map(([role, out]) => h('div.output', h('div.role', role), h('div.md', markdown(typeof out === 'string' ? out
        : out && typeof out.text === 'string' ? out.text : '```json\n' + JSON.stringify(out, null, 2) + '\n```'))))));
  }
  if (!open) {
    el.append(h('p.decision', { role: 'status' }, decisionText(app, g)));
    return el;
  }
  el.append(h('p.muted', `Who may decide: ${whoMayDecide(g.requiredBy)}`));
  const feedback = h('textarea', { rows: 2, placeholder: 'Feedback (required to reject; becomes the instructions to modify)', 'aria-label': 'Feedback' });
  const note = h('p.note', { role: 'alert' });
  const decide = async (action) => {
    const text = feedback.value.trim();
    if (action !== 'approve' && !text) { note.textContent = action === 'reject' ? 'Say why it is rejected.' : 'Say what to change.'; feedback.focus(); return; }
    el.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    const frame = { type: 'approval_response', approvalId: g.id, action, feedback: text || undefined };
    if (action === 'modify') frame.modifications = { instructions: text };
    try {
      const r = await app.conn.request(frame);
      g.status = r.status || (action === 'reject' ? 'rejected' : 'approved');
      g.decidedBy = app.me.userId;
      g.feedback = text;
      el.replaceWith(gateElement(app, g, { compact }));
    } catch (e) {
      note.textContent = e.code === 'CONFLICT' ? 'Already decided or expired.' : e.code === 'FORBIDDEN' ? 'You may not decide this one.' : `Failed: ${e.message}`;
      el.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
  };
  el.append(feedback, note, h('div.buttons',
    h('button.primary', { type: 'button', dataset: { act: 'approve' }, onclick: () => decide('approve') }, 'Approve'),
    h('button.danger', { type: 'button', dataset: { act: 'reject' }, onclick: () => decide('reject') }, 'Reject'),
    h('button', { type: 'button', dataset: { act: 'modify' }, onclick: () => decide('modify') }, 'Modify')));
  return el;
}

function decisionText(app, g) {
  const by = g.decidedBy ? ` by ${app.name(g.decidedBy)}` : '';
  const fb = g.feedback ? `: “${g.feedback}”` : '';
  switch (g.status) {
    case 'approved': return [icon('circle-check'), ` Approved${by}${fb}`];
    case 'rejected': return [icon('circle-x'), ` Rejected${by}${fb}`];
    case 'expired': return [icon('hourglass'), ' Expired without a decision'];
    case 'cancelled': return 'Withdrawn: the workflow was cancelled';
    case 'closed': return 'Closed: the workflow ended';
    default: return g.status;
  }
}

/** Ticks every visible countdown once a second (one timer for the page). */
export function startCountdowns() {
  setInterval(() => {
    for (const el of document.querySelectorAll('.countdown[data-expires]')) {
      const left = countdown(el.dataset.expires);
      if (el.textContent !== left) el.textContent = left;
      el.classList.toggle('urgent', new Date(el.dataset.expires) - Date.now() < 60_000);
    }
  }, 1000);
}
