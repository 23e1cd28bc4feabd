// Workflows: start one from a template, watch each run as a card (agent chain, progress n/total,
// ETA, per-agent status, streamed output as markdown coalesced to animation frames, thinking,
// outputs, quality and duration, errors with suggested actions, gates, stop), and reopen past
// sessions. A card follows its workflow stream (history by REST, then subscribe {lastSeq}), so it
// is the same after a reload, on another node, or in another tab.

import { $, h, perFrame } from './dom.js';
import { icon } from './icons.js';
import { emptyRun, fold, progress, eta, live } from '../core/workflow.js';
import { duration, time } from '../core/format.js';
import { render as markdown } from './markdown.js';
import { gateElement, startCountdowns } from './gate.js';
import { uploadTray } from './files.js';

const SHOWN = 10;

export function createRuns(app) {
  const runs = new Map();   // workflowId → {run, el, dirty}
  const box = $('#runs');
  let templates = [];
  startCountdowns();

  // ---------------------------------------------------------------- templates and sessions
  async function loadTemplates() {
    try {
      const r = await app.api.get('/api/templates');
      templates = r.templates || [];
      app.agentRoles = r.roles || [];
      const sel = $('#template');
      sel.replaceChildren(...templates.map((t) => h('option', { value: t.name, selected: !!t.default, title: t.description }, t.name)));
      describe();
    } catch (e) {
      $('#template-desc').textContent = `Templates could not be loaded: ${e.message}`;
      setTimeout(loadTemplates, 5000);
    }
  }
  function describe() {
    const t = templates.find((x) => x.name === $('#template').value);
    if (!t) return;
    const chain = (t.steps || []).map((s) => (s.approval ? `gate: ${s.approval}` : s.roles.join(' + '))).join(' → ');
    $('#template-desc').textContent = [t.description, chain].filter(Boolean).join(' — ');
  }
  $('#template').addEventListener('change', describe);

  async function loadSessions() {
    const sel = $('#session-picker');
    try {
      const r = await app.api.get('/api/sessions');
      const current = app.conn.session;
      const list = r.sessions || [];
      const opts = list.map((s) => h('option', { value: s.sessionId, selected: s.sessionId === current },
        `${s.title ? s.title.slice(0, 40) : s.sessionId} · ${new Date(s.lastActivityAt).toLocaleDateString()} · ${s.workflows} run${s.workflows === 1 ? '' : 's'}${s.active ? ' (active)' : ''}`));
      if (!list.some((s) => s.sessionId === current)) opts.unshift(h('option', { value: current, selected: true }, 'This session (new)'));
      sel.replaceChildren(...opts);
    } catch (e) {
      sel.replaceChildren(h('option', { value: app.conn.session }, 'This session'));
    }
  }
  $('#session-picker').addEventListener('change', (e) => { if (e.target.value !== app.conn.session) app.switchSession(e.target.value); });
  $('#new-session').addEventListener('click', () => app.newSession());

  async function loadSessionRuns() {
    for (const [id, r] of runs) {
      if (r.watched === 'inbox') continue;
      if (r.card) { r.el?.remove(); r.el = null; r.watched = 'channel'; continue; } // still shown in a channel
      app.conn.unfollow('workflow:' + id, { workflowId: id });
      runs.delete(id);
    }
    box.replaceChildren();
    try {
      const r = await app.api.get('/api/workflows?sessionId=' + encodeURIComponent(app.conn.session));
      for (const w of (r.workflows || []).slice(0, SHOWN).reverse()) watch(w.workflowId);
      if (!r.workflows?.length) box.append(h('p.muted.empty', 'No workflows in this session yet.'));
    } catch (e) {
      if (e.code !== 'FORBIDDEN') box.append(h('p.error', `Workflows could not be loaded: ${e.message}`));
    }
  }

  // ---------------------------------------------------------------- following a run
  /** Shows a run: its events so far by REST, then live from its workflow stream. */
  async function watch(id, why = 'session') {
    const panel = why !== 'channel';
    if (runs.has(id)) {
      const known = runs.get(id);
      if (panel && !known.el) { // a channel's card, now also in the panel
        known.el = h('article.run', { dataset: { workflow: id } });
        known.watched = why;
        box.querySelector('.empty')?.remove();
        box.prepend(known.el);
        draw(known);
      }
      return known;
    }
    const entry = { run: emptyRun(id), el: panel ? h('article.run', { dataset: { workflow: id } }) : null, watched: why };
    runs.set(id, entry);
    if (panel) {
      box.querySelector('.empty')?.remove();
      box.prepend(entry.el);
    }
    entry.redraw = perFrame(() => draw(entry));
    try {
      const w = await app.api.get('/api/workflows/' + encodeURIComponent(id));
      entry.run.name = w.name || entry.run.name;
      entry.run.ownerId = w.ownerId;
      (w.events || []).forEach((ev) => fold(entry.run, ev));
      // The row's status decides a run that ended without a final event (its owner was lost).
      if (['completed', 'failed', 'cancelled'].includes(w.status) && live(entry.run)) fold(entry.run, { type: w.status === 'cancelled' ? 'cancelled' : 'workflow_' + w.status });
    } catch (e) {
      entry.loadError = e.message;
    }
    if (live(entry.run)) app.conn.follow('workflow:' + id, { workflowId: id }, entry.run.lastSeq);
    draw(entry);
    return entry;
  }
  app.watchWorkflow = (id) => { watch(id, 'inbox'); app.showTab('runs'); };
  /**
   * The card of a run started from a channel, drawn where its message is (one element per run,
   * kept across re-renders of the message); the panel shows the same run when it is in the session.
   */
  app.runCard = (id) => {
    if (!runs.has(id)) watch(id, 'channel'); // (its entry exists at once; the history loads after)
    const entry = runs.get(id);
    if (!entry.card) {
      entry.card = h('article.run.in-channel', { dataset: { workflow: id } });
      draw(entry);
    }
    return entry.card;
  };

  app.on('frame', (f) => {
    if (!f.workflowId || !f.stream) return;
    // (watch also when a channel's card already follows it: the panel gets its own card of the run)
    if (f.stream.startsWith('session:') && f.type === 'workflow_started') { watch(f.workflowId); return; }
    if (!f.stream.startsWith('workflow:')) return;
    const entry = runs.get(f.workflowId);
    if (!entry) return;
    fold(entry.run, f);
    entry.redraw();
    if (!live(entry.run)) app.conn.unfollow('workflow:' + f.workflowId, { workflowId: f.workflowId });
  });
  app.on('session', () => { loadSessionRuns(); loadSessions(); });
  app.on('online', () => { loadSessions(); });

  // ---------------------------------------------------------------- drawing
  /** Draws the run into each of its cards: the panel's and the channel's (the same run, one state). */
  function draw(entry) {
    [entry.el, entry.card].filter(Boolean).forEach((el) => drawInto(entry, el));
  }

  function drawInto(entry, el) {
    const { run } = entry;
    const p = progress(run);
    const left = eta(run);
    el.dataset.status = run.status;
    const openDetails = new Set([...el.querySelectorAll('details[open]')].map((d) => d.dataset.key));
    const gates = Object.values(run.approvals);
    // (replaceChildren does not flatten: the parts are flattened and emptied of nulls first)
    el.replaceChildren(...[
      h('header', h('h3', { title: run.request || '' }, titleOf(run)), run.request ? h('span.muted.template', run.name) : null, h('span.status', { class: run.status }, run.status.replace('_', ' ')),
        live(run) && (!run.ownerId || run.ownerId === app.me.userId || app.has('admin')) ? h('button.ghost.stop', { type: 'button', dataset: { act: 'cancel' }, 'aria-label': 'Stop this workflow', onclick: () => stop(entry) }, icon('square'), ' Stop') : null),
      h('div.summary', h('progress', { max: 1, value: p.fraction, 'aria-label': 'Overall progress' }),
        h('span', `${p.done}/${p.total} agents`), left !== null && live(run) ? h('span.muted', ` · about ${duration(left)} left`) : null,
        run.totalMs !== null ? h('span.muted', ` · ${duration(run.totalMs)}`) : null,
        run.quality !== null ? h('span.muted', ` · quality ${Math.round(run.quality * 100)}%`) : null,
        run.startedAt ? h('span.muted', ` · started ${time(run.startedAt)}`) : null,
        // The trace id to look the run up in the tracing backend (Jaeger, Tempo …) and the JSON logs.
        run.traceId ? h('span.muted.trace', { title: 'OpenTelemetry trace id (select to copy)' }, ' · trace ', h('code', run.traceId)) : null),
      h('ol.chain', run.agents.map((a) => h('li.agent', { class: a.status, dataset: { role: a.role } },
        h('div.agent-head', h('span.role', a.name !== a.role ? `${a.name} (${a.role})` : a.role),
          a.kind ? h('span.tag.kind', a.kind === 'openai' ? 'model' : a.kind) : null, h('span.astatus', statusText(a))),
        a.status === 'running' ? h('progress', { max: 1, value: a.progress, 'aria-label': `${a.role} progress` }) : null,
        a.task && a.status === 'running' ? h('div.task.muted', a.task) : null,
        a.thinking ? h('details.thinking', { dataset: { key: a.role + '-t' }, open: openDetails.has(a.role + '-t') }, h('summary', 'Thinking'), h('pre', a.thinking)) : null,
        a.status === 'running' && a.partial ? h('div.partial.md', markdown(a.partial)) : null,
        a.outputs ? h('details.outputs', { dataset: { key: a.role + '-o' }, open: openDetails.has(a.role + '-o') },
          h('summary', `Outputs (${Object.keys(a.outputs).join(', ') || 'none'})`),
          Object.entries(a.outputs).map(([k, v]) => h('div.output', h('div.role', k),
            h('div.md', markdown(typeof v === 'string' ? v : '```json\n' + JSON.stringify(v, null, 2) + '\n```'))))) : null))),
      gates.map((g) => gateElement(app, g)),
      run.errors.map((e) => h('div.run-error', { role: 'alert' }, h('strong', e.role ? `${e.role}: ` : ''), e.text || e.code,
        e.recoverable ? h('span.muted', ' — retrying') : null,
        e.actions?.length ? h('ul.actions', e.actions.map((a) => h('li', a))) : null)),
      run.finalOutputs && run.status === 'completed' ? h('details.final', { dataset: { key: 'final' }, open: openDetails.has('final') },
        h('summary', 'Final outputs'), h('div.md', markdown('```json\n' + JSON.stringify(run.finalOutputs, null, 2) + '\n```'))) : null,
      entry.loadError ? h('p.error', `Could not load its history: ${entry.loadError}`) : null].flat().filter(Boolean));
  }

  /** A run is titled by what it was asked ("Refactor the login form"), its template shown beside. */
  function titleOf(run) {
    const r = String(run.request || '').replace(/\s+/g, ' ').trim();
    return r ? (r.length > 80 ? r.slice(0, 79) + '…' : r) : run.name || 'workflow';
  }

  function statusText(a) {
    if (a.status === 'done') return `done${a.durationMs !== null ? ` in ${duration(a.durationMs)}` : ''}${a.quality !== null ? ` · ${Math.round(a.quality * 100)}%` : ''}`;
    if (a.status === 'running') return `${Math.round(a.progress * 100)}%${a.attempt > 1 ? ` · attempt ${a.attempt}` : ''}`;
    return a.status;
  }

  async function stop(entry) {
    try {
      const r = await app.conn.request({ type: 'cancel', workflowId: entry.run.id });
      if (r.success !== false) { entry.run.status = 'cancelled'; fold(entry.run, { type: 'cancelled', success: true }); draw(entry); }
    } catch (e) {
      app.emit('toast', `Could not stop it: ${e.message}`);
    }
  }

  // ---------------------------------------------------------------- starting
  // Files for the agents: each one's type, extracted text and processed content go into their task.
  const tray = uploadTray(app, $('#run-files'));
  $('#run-attach').addEventListener('click', () => $('#run-file-input').click());
  $('#run-file-input').accept = (app.config.uploads?.extensions || []).map((x) => '.' + x).join(',');
  $('#run-file-input').addEventListener('change', (e) => { tray.add(e.target.files); e.target.value = ''; });
  $('#run-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const content = $('#run-input').value.trim();
    if (!content) { $('#run-input').focus(); return; }
    if (tray.busy()) { app.emit('toast', 'Wait for the uploads to finish.'); return; }
    const frame = { type: 'user_input', content, workflow: $('#template').value || undefined };
    if (tray.ids().length) frame.attachments = tray.ids();
    $('#run-input').value = '';
    try {
      const ack = await app.conn.request(frame);
      tray.clear();
      if (ack.workflowId) watch(ack.workflowId);
      loadSessions();
    } catch (err) {
      $('#run-input').value = content;
      app.emit('toast', `The workflow could not start: ${err.message}`);
    }
  });
  $('#run-input').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('#run-form').requestSubmit(); });

  loadTemplates();
  loadSessionRuns();
}
