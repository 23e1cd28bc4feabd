// A workflow's card state, folded from its events (live, replayed, or read back from
// GET /api/workflows/{id}). Pure: the same events always give the same card, so a card rebuilt
// after a reload or on another node looks exactly like the one that watched it live.

export const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** Templates give estimates in minutes (`estimatedTime`, `estimatedDuration`). */

export function emptyRun(id) {
  return { id, name: '', status: 'running', startedAt: null, estimatedMs: null, agents: [], byRole: {},
    approvals: {}, errors: [], finalOutputs: null, quality: null, totalMs: null, lastSeq: 0, epicId: null, traceId: null };
}

function agent(run, role) {
  let a = run.byRole[role];
  if (!a) {
    a = { role, name: role, status: 'waiting', progress: 0, task: '', partial: '', thinking: '', outputs: null,
      quality: null, durationMs: null, attempt: 1, startedAt: null, estimatedMs: null };
    run.byRole[role] = a;
    run.agents.push(a);
  }
  return a;
}

/** Folds one event into `run` (mutates and answers it). Events at or below `lastSeq` are replays: ignored. */
export function fold(run, ev) {
  if (ev.stream && ev.stream.startsWith('workflow:') && ev.seq) {
    if (ev.seq <= run.lastSeq) return run;
    run.lastSeq = ev.seq;
  }
  switch (ev.type) {
    case 'workflow_started':
      run.name = ev.workflowName || run.name; run.startedAt = ev.timestamp;
      run.epicId = ev.epicId || null; run.status = 'running';
      run.traceId = ev.traceId || null; // the run's OpenTelemetry trace (when the node traces)
      // ETAs come from measured durations (expectedMs, per role and kind), never the template's guess.
      (ev.agents || []).forEach((x) => { const a = agent(run, x.role); a.estimatedMs = x.expectedMs ?? null; a.kind = x.agentKind || a.kind; });
      break;
    case 'agent_started': {
      const a = agent(run, ev.agentRole);
      Object.assign(a, { name: ev.agentName || a.name, status: 'running', progress: 0, task: 'starting', partial: '',
        thinking: '', attempt: ev.attempt || 1, startedAt: ev.timestamp, kind: ev.agentKind || a.kind });
      if (ev.expectedMs !== undefined) a.estimatedMs = ev.expectedMs;
      if (!run.request && ev.inputs?.content) run.request = ev.inputs.content; // what the run was asked: its title
      if (run.status !== 'paused') run.status = 'running';
      break;
    }
    case 'agent_progress': {
      const a = agent(run, ev.agentRole);
      a.status = 'running';
      if (typeof ev.progress === 'number') a.progress = Math.max(0, Math.min(1, ev.progress));
      if (ev.currentTask) a.task = ev.currentTask;
      // partialOutput is the text since the previous event (model tokens cut anywhere): appended as is.
      if (ev.partialOutput) a.partial += ev.partialOutput;
      if (ev.thinkingProcess) a.thinking += ev.thinkingProcess;
      break;
    }
    case 'agent_completed': {
      const a = agent(run, ev.agentRole);
      Object.assign(a, { status: 'done', progress: 1, task: 'done', outputs: ev.outputs || {}, quality: ev.qualityScore ?? null,
        durationMs: ev.duration ?? null });
      break;
    }
    case 'error':
      run.errors.push({ role: ev.agentRole || null, code: ev.code, text: ev.error, recoverable: !!ev.recoverable,
        actions: ev.suggestedActions || [], at: ev.timestamp });
      if (ev.agentRole && !ev.recoverable) agent(run, ev.agentRole).status = 'failed';
      break;
    case 'approval_required':
      run.status = 'waiting_approval';
      run.approvals[ev.approvalId] = { id: ev.approvalId, title: ev.title, description: ev.description,
        outputs: ev.agentOutputs || {}, requiredBy: ev.requiredBy, expiresAt: ev.expiresAt, status: 'pending' };
      break;
    case 'approval_resolved': {
      const p = run.approvals[ev.approvalId] || (run.approvals[ev.approvalId] = { id: ev.approvalId, title: 'Approval' });
      Object.assign(p, { status: ev.status, decidedBy: ev.decidedBy, feedback: ev.feedback });
      if (!FINAL.has(run.status)) run.status = 'running';
      break;
    }
    case 'workflow_paused': run.status = 'paused'; break;
    case 'workflow_resumed': run.status = 'running'; break;
    case 'workflow_completed':
      run.status = 'completed'; run.finalOutputs = ev.finalOutputs || null; run.quality = ev.qualityScore ?? null;
      run.totalMs = ev.totalDuration ?? null; break;
    case 'workflow_failed': run.status = 'failed'; run.errors.push({ text: ev.error, recoverable: false, actions: ev.suggestedActions || [] }); break;
    case 'cancelled': if (ev.success !== false) run.status = 'cancelled'; break;
    default: break;
  }
  if (FINAL.has(run.status)) {
    // A finished run offers no decision any more: its open gates are moot.
    Object.values(run.approvals).forEach((p) => { if (p.status === 'pending') p.status = run.status === 'cancelled' ? 'cancelled' : 'closed'; });
    run.agents.forEach((a) => { if (a.status === 'running') a.status = run.status === 'completed' ? 'done' : 'stopped'; });
  }
  return run;
}

/** {done, total, fraction} over the agent chain (a running agent counts by its progress). */
export function progress(run) {
  const total = run.agents.length;
  if (!total) return { done: 0, total: 0, fraction: 0 };
  const done = run.agents.filter((a) => a.status === 'done').length;
  const partial = run.agents.filter((a) => a.status === 'running').reduce((s, a) => s + a.progress, 0);
  return { done, total, fraction: Math.min(1, (done + partial) / total) };
}

/**
 * Milliseconds left from the measured duration of each step still to run (a running one by the
 * time it has had), or null — unknown, so not shown: a step never measured, a run waiting at a gate
 * or paused (no clock runs there), or one that has ended.
 */
export function eta(run, now = Date.now()) {
  if (run.status !== 'running' || !run.startedAt) return null;
  const left = run.agents.filter((a) => a.status !== 'done');
  if (!left.length || left.some((a) => typeof a.estimatedMs !== 'number')) return null;
  return Math.round(left.reduce((s, a) => s + (a.status === 'running' && a.startedAt
    ? Math.max(a.estimatedMs * 0.1, a.estimatedMs - (now - new Date(a.startedAt).getTime())) : a.estimatedMs), 0));
}

/** Whether the viewer may still act on the run (stop it, decide its gates). */
export function live(run) {
  return !FINAL.has(run.status);
}
