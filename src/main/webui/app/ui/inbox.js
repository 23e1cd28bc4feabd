// The approvals inbox (approvers and admins): every pending gate they may decide, across
// sessions and users, re-read whenever the cluster says the pending list changed
// (`approvals_changed`), on every reconnect, and every 30 s as a safety net.

import { $, h } from './dom.js';
import { gateElement } from './gate.js';
import { time } from '../core/format.js';

export function createInbox(app) {
  // A gate's link (from a notification): the inbox with that gate, or the workflows for an owner.
  const toGate = () => {
    const m = location.hash.match(/^#\/approval\/(.+)$/);
    if (!m) return;
    const id = decodeURIComponent(m[1]);
    app.showTab(app.has('approver') || app.has('admin') ? 'inbox' : 'runs');
    setTimeout(() => document.querySelector(`.gate[data-approval="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'center' }), 300);
  };
  addEventListener('hashchange', toGate);
  app.on('ready', toGate);
  if (!app.has('approver') && !app.has('admin')) return;
  $('#inbox-tab').hidden = false;
  const pane = $('#inbox');
  let timer = null;

  async function refresh() {
    try {
      const r = await app.api.get('/api/approvals?status=pending');
      const list = (r.approvals || []).filter((a) => a.status === 'pending');
      const count = $('#inbox-count');
      count.hidden = list.length === 0;
      count.textContent = String(list.length);
      // A gate being answered here keeps its typed feedback across refreshes.
      const typing = pane.querySelector('.gate textarea:focus');
      const keep = typing ? { id: typing.closest('.gate').dataset.approval, text: typing.value } : null;
      pane.replaceChildren(h('h2', 'Approvals waiting for you'), list.length ? h('ul.inbox', list.map((a) => h('li.inbox-item', { dataset: { approval: a.approvalId } },
        h('div.meta', h('span', `by ${app.name(a.ownerId)}`), ' · ', h('time', time(a.requestedAt)),
          a.workflowStatus ? h('span.muted', ` · ${a.workflowStatus}`) : null, ' ',
          h('button.link', { type: 'button', onclick: () => app.watchWorkflow(a.workflowId) }, 'Open the workflow')),
        gateElement(app, { id: a.approvalId, title: a.title, description: a.description, outputs: a.agentOutputs,
          requiredBy: a.requiredBy, expiresAt: a.expiresAt, status: 'pending' })))) : h('p.muted', 'Nothing waits for a decision.'));
      if (keep) {
        const t = pane.querySelector(`.gate[data-approval="${CSS.escape(keep.id)}"] textarea`);
        if (t) { t.value = keep.text; t.focus(); }
      }
    } catch (e) {
      pane.replaceChildren(h('p.error', `The inbox could not be loaded: ${e.message} `, h('button.link', { type: 'button', onclick: refresh }, 'Retry')));
    }
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 150); };

  app.on('frame', (f) => {
    if (f.type === 'approvals_changed' || f.type === 'approval_resolved' || f.type === 'approval_required') {
      app.inboxNotices = (app.inboxNotices || 0) + 1; // seen by tests and when debugging a quiet inbox
      soon();
    }
  });
  app.on('online', soon);
  setInterval(refresh, 30_000);
  refresh();
}
