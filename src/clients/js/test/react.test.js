// The React hooks on a real React (react-test-renderer): each renders its live view, re-renders
// when frames arrive, and lets go of its subscription on unmount.
// React and react-test-renderer are dev dependencies (npm ci); without them these tests skip.
import test from 'node:test';
import assert from 'node:assert/strict';
import { AgentbusClient } from '../src/client.js';
import { FakeSocket } from '../test-support/fake-socket.js';

const React = (await import('react').catch(() => null))?.default;
const TestRenderer = (await import('react-test-renderer').catch(() => null))?.default;
const skip = !React || !TestRenderer ? 'react and react-test-renderer are not installed (npm ci in src/clients/js)' : false;
const { useWorkflow, useChannel, useApprovals } = skip ? {} : await import('../src/react.js');
const act = TestRenderer?.act;
globalThis.IS_REACT_ACT_ENVIRONMENT = true;


function online() {
  FakeSocket.all = [];
  const client = new AgentbusClient({ url: 'ws://h/ws', token: 'tok', session: 's1', WebSocket: FakeSocket, pingMs: 0,
    setTimeout: () => 0, clearTimeout: () => {} });
  client.connect();
  const sock = FakeSocket.all[0];
  sock.open();
  sock.recv({ type: 'auth_response', replyTo: 'auth', success: true, userId: 'ada', sessionId: 's1' });
  return { client, sock };
}

test('useWorkflow renders a run as its events arrive, and unsubscribes on unmount', { skip }, async () => {
  const { client, sock } = online();
  function Run() {
    const run = useWorkflow(client, 'w1');
    return React.createElement('p', null, `${run.status} ${Object.values(run.agents).map((a) => `${a.role}:${a.progress}`).join(',')}`);
  }
  let r;
  await act(async () => { r = TestRenderer.create(React.createElement(Run)); });
  assert.deepEqual(sock.sent.at(-1), { type: 'subscribe', workflowId: 'w1', lastSeq: 0 });
  assert.equal(r.toJSON().children.join(''), 'pending ');
  await act(async () => {
    sock.recv({ type: 'workflow_started', stream: 'workflow:w1', seq: 1 });
    sock.recv({ type: 'agent_progress', stream: 'workflow:w1', seq: 2, agentRole: 'code', progress: 0.5 });
  });
  assert.equal(r.toJSON().children.join(''), 'running code:0.5');
  await act(async () => { r.unmount(); });
  assert.deepEqual(sock.sent.at(-1), { type: 'unsubscribe', workflowId: 'w1' });
});

test('useChannel renders history then live messages; useApprovals the pending list', { skip }, async () => {
  const { client, sock } = online();
  function Room() {
    const ch = useChannel(client, 'general');
    const ap = useApprovals(client, async () => [{ approvalId: 'a1', status: 'pending' }]);
    return React.createElement('p', null, `${ch.messages.map((m) => m.content).join('|')} / ${ap.pending.length}`);
  }
  let r;
  await act(async () => { r = TestRenderer.create(React.createElement(Room)); });
  const hist = sock.sent.find((f) => f.type === 'history');
  await act(async () => {
    sock.recv({ type: 'message_history', replyTo: hist.id, channel: 'general', messages: [{ messageId: 'm1', seq: 3, content: 'old' }] });
  });
  await act(async () => {
    sock.recv({ type: 'message', stream: 'channel:general', seq: 4, messageId: 'm2', content: 'new' });
    sock.recv({ type: 'approval_required', approvalId: 'a2' });
  });
  assert.equal(r.toJSON().children.join(''), 'old|new / 2');
  await act(async () => { r.unmount(); });
});
