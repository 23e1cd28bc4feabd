// The operators' page (#/admin, for admins): the cluster view, a bus console (publish / send /
// request within the allow-list), the audit trail, and a stream inspector — all through the
// /admin endpoints with the admin's own token, so every call is audited like any other.

import { $, h } from './dom.js';
import { duration } from '../core/format.js';

export function createAdmin(app) {
  const page = $('#admin');
  $('#admin-link').hidden = !app.has('admin');
  const route = () => {
    const on = location.hash.startsWith('#/admin');
    page.hidden = !on;
    $('#shell').hidden = on;
    if (on) {
      if (!app.has('admin')) page.replaceChildren(h('p.error', 'The operators page needs the admin role.'), back());
      else if (!page.dataset.built) build();
    }
  };
  addEventListener('hashchange', route);
  route();

  function back() { return h('a.ghost', { href: '#/c/' + encodeURIComponent(app.current || 'general') }, '← Back to the chat'); }

  function build() {
    page.dataset.built = '1';
    const cluster = h('div');
    const audit = h('tbody');
    const auditMore = h('button.ghost', { type: 'button' }, 'Older entries');
    let auditBefore = null;

    async function loadCluster() {
      cluster.replaceChildren(h('p.muted', 'Asking every node…'));
      try {
        const r = await app.api.get('/admin/cluster');
        // Nodes that play the agents differently (a model here, scripted there) or run other templates are flagged:
        // a workflow taken over between them would behave differently.
        const differ = [r.agentKindsAgree === false ? 'agent kinds' : null, r.templatesAgree === false ? 'workflow templates' : null].filter(Boolean);
        cluster.replaceChildren(h('p', `Answered by ${r.nodeId} · ${r.members.length} member${r.members.length === 1 ? '' : 's'}`),
          differ.length ? h('p.error.differ', { role: 'alert' }, `The nodes differ in their ${differ.join(' and ')}: see the flagged rows.`) : null,
          h('div.table-wrap', h('table',
          h('thead', h('tr', ['Node', 'Address', 'HTTP', 'Verticles', 'Agents', '/ws', 'SockJS', 'Streams', 'Up', 'Version'].map((x) => h('th', x)))),
          h('tbody', r.members.map((m) => h('tr', { class: m.reachable === false ? 'unreachable' : '' },
            h('td', m.nodeId + (m.nodeId === r.nodeId ? ' (this)' : '') + (m.reachable === false ? ' — unreachable' : '')),
            h('td', m.address ?? ''), h('td', m.httpPort ?? ''), h('td', (m.verticles || []).join(', ')),
            h('td', { class: m.agentKindsMatch === false || m.templatesMatch === false ? 'flag' : '',
              title: m.agentKinds || '' }, kindsText(m.agentKinds) + (m.agentKindsMatch === false ? ' — differs' : '')
              + (m.templatesMatch === false ? ' (other templates)' : '')),
            h('td', m.connections?.ws ?? ''), h('td', m.connections?.sockjs ?? ''), h('td', m.followedStreams ?? ''),
            h('td', m.uptimeSeconds !== undefined ? duration(m.uptimeSeconds * 1000) : ''), h('td', m.version ?? '')))))));
      } catch (e) {
        cluster.replaceChildren(h('p.error', `The cluster view failed: ${e.message}`));
      }
    }

    /** "code: openai, qa: scripted" → "openai 3 · scripted 2": what kinds play the roles, at a glance. */
    function kindsText(kinds) {
      if (!kinds) return '';
      const counts = {};
      kinds.split(',').forEach((pair) => { const k = pair.split('=')[1]; counts[k] = (counts[k] || 0) + 1; });
      return Object.entries(counts).map(([k, n]) => `${k === 'openai' ? 'model' : k} ${n}`).join(' · ');
    }

    async function loadAudit(more = false) {
      try {
        const r = await app.api.get('/admin/audit?limit=50' + (more && auditBefore ? '&before=' + auditBefore : ''));
        const rows = (r.entries || []).map((e) => h('tr', { class: e.outcome },
          h('td', new Date(e.at).toLocaleString()), h('td', e.actor ?? ''), h('td', `${e.method} ${e.path}`),
          h('td', e.address ?? ''), h('td', e.mode ?? ''), h('td', String(e.bodyBytes ?? '')), h('td', e.outcome), h('td', String(e.status))));
        if (!more) audit.replaceChildren();
        audit.append(...rows);
        auditBefore = r.entries?.length ? r.entries[r.entries.length - 1].id : auditBefore;
        auditMore.hidden = !r.hasMore;
      } catch (e) {
        audit.replaceChildren(h('tr', h('td', { colspan: 8 }, `The audit could not be read: ${e.message}`)));
      }
    }
    auditMore.addEventListener('click', () => loadAudit(true));

    // Bus console
    const address = h('input', { value: 'agentbus.channel.general', required: true, 'aria-label': 'Address' });
    const mode = h('select', { 'aria-label': 'Mode' }, ['publish', 'send', 'request'].map((m) => h('option', m)));
    const body = h('textarea', { rows: 4, spellcheck: false, 'aria-label': 'Body (JSON)' });
    body.value = '{\n  "type": "chat",\n  "content": "Maintenance in 10 minutes"\n}';
    const timeout = h('input', { type: 'number', value: 5000, min: 100, max: 60000, 'aria-label': 'Timeout (ms)' });
    const out = h('pre.console-out', { role: 'status' });
    const consoleForm = h('form.console', { onsubmit: async (e) => {
      e.preventDefault();
      let parsed;
      try { parsed = JSON.parse(body.value); } catch (err) { out.textContent = `The body is not JSON: ${err.message}`; return; }
      out.textContent = '…';
      try {
        const r = await app.api.raw('POST', '/admin/bus', { address: address.value.trim(), mode: mode.value, body: parsed, timeoutMs: Number(timeout.value) });
        out.textContent = JSON.stringify(r, null, 2) || 'accepted';
      } catch (err) {
        out.textContent = `${err.status} ${err.code || ''}: ${err.message}`;
      }
      loadAudit();
    } }, h('label', 'Address ', address), h('label', 'Mode ', mode), h('label', 'Timeout (ms) ', timeout),
    h('label.wide', 'Body (JSON) ', body), h('button.primary', 'Send'), out);

    // Stream inspector
    const stream = h('input', { value: 'channel:general', required: true, 'aria-label': 'Stream' });
    const after = h('input', { type: 'number', value: 0, min: 0, 'aria-label': 'After seq' });
    const events = h('div');
    const inspect = async (e) => {
      e?.preventDefault();
      try {
        const r = await app.api.get(`/admin/streams/${encodeURIComponent(stream.value.trim())}?after=${Number(after.value) || 0}&limit=50`);
        const list = r.events || [];
        events.replaceChildren(h('p.muted', `${list.length} events${r.hasMore ? ' (more after)' : ''}`),
          h('ol.events', list.map((ev) => h('li', h('span.seq', `#${ev.seq}`), ' ', h('strong', ev.type), ' ',
            h('code', JSON.stringify(ev).slice(0, 300))))));
        if (list.length) after.value = list[list.length - 1].seq;
      } catch (err) {
        events.replaceChildren(h('p.error', `${err.status}: ${err.message}`));
      }
    };

    page.replaceChildren(
      h('header.admin-head', h('h1', 'Operators'), back()),
      h('section.card', h('div.section-head', h('h2', 'Cluster'), h('button.ghost', { type: 'button', onclick: loadCluster }, 'Refresh')), cluster),
      h('section.card', h('h2', 'Bus console'), h('p.hint', 'Within the configured allow-list; every call is audited.'), consoleForm),
      h('section.card', h('h2', 'Stream inspector'), h('form.inspect', { onsubmit: inspect }, h('label', 'Stream ', stream),
        h('label', 'After seq ', after), h('button.primary', 'Read'), h('button.ghost', { type: 'button', onclick: () => { after.value = 0; inspect(); } }, 'From the start')), events),
      h('section.card', h('div.section-head', h('h2', 'Audit trail'), h('button.ghost', { type: 'button', onclick: () => loadAudit() }, 'Refresh')),
        h('div.table-wrap', h('table', h('thead', h('tr', ['When', 'Actor', 'Call', 'Address', 'Mode', 'Bytes', 'Outcome', 'Status'].map((x) => h('th', x)))), audit)), auditMore));
    loadCluster();
    loadAudit();
  }
}
