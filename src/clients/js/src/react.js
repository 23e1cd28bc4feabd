// React hooks over the client (agentbus-client/react): a provider-free design — the app makes one
// AgentbusClient and passes it in (or uses useAgentbus to make one for a component tree). Each hook
// is a live store (stores.js) read through useSyncExternalStore, so renders are consistent and
// nothing is kept in component state that a reconnect could lose. React 18+ is a peer dependency.

import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { AgentbusClient } from './client.js';
import { approvalsStore, channelStore, workflowStore } from './stores.js';

/**
 * One client for the component's life: connects on mount, closes on unmount. Returns the client
 * and its connection state ('connecting', 'online', 'reconnecting', 'signed-out', …).
 * @param {ConstructorParameters<typeof AgentbusClient>[0]} opts
 */
export function useAgentbus(opts) {
  const client = useMemo(() => new AgentbusClient(opts), [opts.url]); // eslint-disable-line react-hooks/exhaustive-deps
  const [state, setState] = useState(client.state);
  useEffect(() => {
    const off = client.on('state', setState);
    client.connect();
    return () => { off(); client.close(); };
  }, [client]);
  return { client, state };
}

/** @template T @param {() => import('./stores.js').Store<T> | null} make @param {any[]} deps */
function useStore(make, deps) {
  const store = useMemo(make, deps); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => store?.close(), [store]);
  return useSyncExternalStore(store ? store.subscribe : noop, store ? store.getSnapshot : nothing, store ? store.getSnapshot : nothing);
}

/**
 * A channel, live: its messages (history, then live changes), who is typing, and `post`.
 * @param {AgentbusClient | null} client @param {string | null} channel
 */
export function useChannel(client, channel) {
  const view = useStore(() => (client && channel ? channelStore(client, channel) : null), [client, channel]);
  return { ...(view || { messages: [], typing: [], loading: !!channel, error: null }),
    /** @param {string} content @param {any} [extra] */
    post: (content, extra) => client?.post(/** @type {string} */ (channel), content, extra) };
}

/**
 * A workflow as it runs — status, agents with progress, gates, events — replayed then live,
 * resumed after reconnects (what seed 004's useAgentExecution did, on the real protocol).
 * @param {AgentbusClient | null} client @param {string | null} workflowId
 */
export function useWorkflow(client, workflowId) {
  const view = useStore(() => (client && workflowId ? workflowStore(client, workflowId) : null), [client, workflowId]);
  return { ...(view || { workflowId, status: 'pending', agents: {}, approvals: [], events: [], finalOutputs: null,
    error: null }), cancel: () => (workflowId ? client?.cancel(workflowId) : undefined) };
}

/**
 * The approvals the user may decide, live, and `respond`.
 * @param {AgentbusClient | null} client @param {() => Promise<any[]>} [load] the pending list (e.g. GET /api/approvals?status=pending)
 */
export function useApprovals(client, load) {
  const store = useMemo(() => (client ? approvalsStore(client, load) : null), [client]); // eslint-disable-line
  useEffect(() => () => store?.close(), [store]);
  const view = useSyncExternalStore(store ? store.subscribe : noop, store ? store.getSnapshot : empty,
    store ? store.getSnapshot : empty);
  return { pending: view.pending, respond: store ? store.respond : async () => undefined };
}

const noop = () => () => {};
const nothing = () => null;
const EMPTY = { pending: [] };
const empty = () => EMPTY;
