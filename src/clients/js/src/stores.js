// Live views of a channel, a workflow and the approvals inbox, kept from the client's frames:
// framework-free (subscribe / getSnapshot, the shape React's useSyncExternalStore takes), so the
// hooks in react.js are thin and these are tested in Node without a DOM. Each snapshot is a new
// immutable object when something changed, and the same object otherwise.

/**
 * @template T
 * @typedef {{ subscribe(listener: () => void): () => void, getSnapshot(): T, close(): void }} Store
 */

/** @template T @param {T} initial */
function cell(initial) {
  let value = initial;
  /** @type {Set<() => void>} */
  const listeners = new Set();
  return {
    get: () => value,
    /** @param {(v: T) => T} change */
    set(change) { value = change(value); for (const l of [...listeners]) l(); },
    /** @param {() => void} l */
    subscribe(l) { listeners.add(l); return () => { listeners.delete(l); }; },
  };
}

const TERMINAL = { workflow_completed: 'completed', workflow_failed: 'failed', cancelled: 'cancelled' };

/**
 * A workflow as it runs (what seed 004's useAgentExecution kept, from the real event stream):
 * its status, each agent's state and progress, the gates, every event in seq order. Replays from
 * the start, then live; after a reconnect it resumes where it was.
 * @param {import('./client.js').AgentbusClient} client @param {string} workflowId
 */
export function workflowStore(client, workflowId) {
  const c = cell({ workflowId, status: 'pending', agents: /** @type {Record<string, any>} */ ({}),
    approvals: /** @type {any[]} */ ([]), events: /** @type {any[]} */ ([]), finalOutputs: null, error: null,
    lastSeq: 0 });
  const off = client.subscribe({ workflowId }, (f) => c.set((s) => applyWorkflowEvent(s, f)), { lastSeq: 0 });
  return { subscribe: c.subscribe, getSnapshot: c.get, close: off };
}

/** The next state of a workflow view after event `f` (pure: exported for tests). @param {any} s @param {any} f */
export function applyWorkflowEvent(s, f) {
  if (f.seq <= s.lastSeq) return s; // a replayed event it already has
  const next = { ...s, lastSeq: f.seq, events: [...s.events, f] };
  const role = f.agentRole;
  switch (f.type) {
    case 'workflow_started': next.status = 'running'; break;
    case 'agent_started': next.agents = { ...s.agents, [role]: { role, status: 'running', progress: 0, attempt: f.attempt } }; break;
    // partialOutput and thinkingProcess are what was produced since the previous event: appended.
    case 'agent_progress': next.agents = { ...s.agents, [role]: { ...s.agents[role], role, progress: f.progress,
      currentTask: f.currentTask, partialOutput: (s.agents[role]?.partialOutput ?? '') + (f.partialOutput ?? ''),
      thinkingProcess: (s.agents[role]?.thinkingProcess ?? '') + (f.thinkingProcess ?? '') } }; break;
    case 'agent_completed': next.agents = { ...s.agents, [role]: { ...s.agents[role], role, status: 'completed',
      progress: 1, outputs: f.outputs } }; break;
    case 'approval_required': next.status = 'waiting_approval';
      next.approvals = [...s.approvals, { approvalId: f.approvalId, title: f.title, status: 'pending' }]; break;
    case 'approval_resolved': next.status = 'running';
      next.approvals = s.approvals.map((/** @type {any} */ a) => a.approvalId === f.approvalId ? { ...a, status: f.status,
        decidedBy: f.decidedBy } : a); break;
    case 'workflow_paused': next.status = 'paused'; break;
    case 'workflow_resumed': next.status = 'running'; break;
    default:
      if (f.type in TERMINAL) {
        next.status = /** @type {any} */ (TERMINAL)[f.type];
        next.finalOutputs = f.finalOutputs ?? null;
        next.error = f.type === 'workflow_failed' ? (f.error ?? 'failed') : null;
      }
  }
  return next;
}

/**
 * A channel: the newest page of its history, then every change live (new messages, edits,
 * deletes, reactions), and who is typing.
 * @param {import('./client.js').AgentbusClient} client @param {string} channel @param {{limit?: number}} [opts]
 */
export function channelStore(client, channel, opts = {}) {
  const c = cell({ channel, messages: /** @type {any[]} */ ([]), typing: /** @type {string[]} */ ([]),
    loading: true, error: /** @type {any} */ (null), lastSeq: 0 });
  /** @type {(() => void) | null} */
  let unsub = null;
  let closed = false;
  const offTyping = client.on('typing_update', (f) => {
    if (f.channel === channel) c.set((s) => ({ ...s, typing: f.users || [] }));
  });
  client.history(channel, { limit: opts.limit ?? 50 }).then((page) => {
    if (closed) return;
    const messages = [...(page.messages || [])].sort((a, b) => a.seq - b.seq);
    const last = messages.length ? messages[messages.length - 1].seq : 0;
    c.set((s) => ({ ...s, messages, loading: false, lastSeq: Math.max(s.lastSeq, last) }));
    unsub = client.subscribe({ channel }, (f) => c.set((s) => applyChannelEvent(s, f)), { lastSeq: last });
  }, (err) => c.set((s) => ({ ...s, loading: false, error: err })));
  return {
    subscribe: c.subscribe,
    getSnapshot: c.get,
    close() { closed = true; offTyping(); unsub?.(); },
  };
}

/** The next state of a channel view after event `f` (pure). @param {any} s @param {any} f */
export function applyChannelEvent(s, f) {
  if (f.seq <= s.lastSeq) return s;
  const next = { ...s, lastSeq: f.seq };
  if (f.type === 'message') {
    next.messages = f.threadId ? s.messages : [...s.messages, f];
  } else if (f.messageId && ['message_edited', 'message_updated', 'message_deleted', 'reaction_updated',
    'message_pinned', 'thread_updated'].includes(f.type)) {
    next.messages = s.messages.map((/** @type {any} */ m) => m.messageId === f.messageId ? { ...m, ...changeOf(f) } : m);
  }
  return next;
}

/** @param {any} f */
function changeOf(f) {
  const { type, stream, seq, timestamp, ...fields } = f;
  if (type === 'message_deleted') return { ...fields, deleted: true, content: '' };
  if (type === 'message_pinned') return { pinned: fields.pinned, pinnedBy: fields.by };
  return fields;
}

/**
 * The approvals the signed-in user may decide, live: loaded once, then kept from the approvers'
 * inbox frames (`approval_required`, `approval_resolved`) the node pushes to approvers.
 * @param {import('./client.js').AgentbusClient} client @param {() => Promise<any[]>} [load] the pending ones (GET /api/approvals?status=pending)
 */
export function approvalsStore(client, load) {
  const c = cell({ pending: /** @type {any[]} */ ([]) });
  if (load) load().then((list) => c.set((s) => ({ pending: mergePending(s.pending, list) })), () => {});
  const offReq = client.on('approval_required', (f) => c.set((s) => ({ pending: mergePending(s.pending, [f]) })));
  const offRes = client.on('approval_resolved', (f) => c.set((s) => ({
    pending: s.pending.filter((/** @type {any} */ a) => a.approvalId !== f.approvalId) })));
  return {
    subscribe: c.subscribe,
    getSnapshot: c.get,
    close() { offReq(); offRes(); },
    /** Decides one; it leaves the list when its approval_resolved arrives. @param {string} id @param {boolean} approved @param {string} [feedback] */
    respond: (id, approved, feedback) => client.respond(id, approved, feedback),
  };
}

/** @param {any[]} have @param {any[]} more */
function mergePending(have, more) {
  const ids = new Set(have.map((a) => a.approvalId));
  return [...have, ...more.filter((a) => a.approvalId && !ids.has(a.approvalId) && (a.status ?? 'pending') === 'pending')];
}
