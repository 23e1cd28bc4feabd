// The client against a fake WebSocket: requests by id, subscriptions resumed without gaps or
// repeats, the token provider (async, renewed once after 4401, never a loop), close codes, and
// the live views (stores) that the React hooks read.
import test from 'node:test';
import assert from 'node:assert/strict';
import { AgentbusClient, AgentbusError, applyWorkflowEvent, workflowStore, channelStore, approvalsStore } from '../src/index.js';
import { FakeSocket } from '../test-support/fake-socket.js';


function make(token = () => 'tok') {
  FakeSocket.all = [];
  const timers = [];
  const client = new AgentbusClient({ url: 'ws://h/ws', token, session: 's1', WebSocket: FakeSocket, pingMs: 0,
    setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; }, clearTimeout: () => {}, random: () => 1 });
  return { client, timers, sock: () => FakeSocket.all[FakeSocket.all.length - 1] };
}
const authOk = (sock) => sock.recv({ type: 'auth_response', replyTo: 'auth', success: true, userId: 'ada', roles: ['user'], sessionId: 's1' });
const tick = () => new Promise((r) => setImmediate(r));

test('connect resolves once signed in; the token rides in the first frame only', async () => {
  const { client, sock } = make();
  const online = client.connect();
  assert.ok(!sock().url.includes('tok'));
  sock().open();
  assert.deepEqual(sock().sent[0], { type: 'auth', id: 'auth', token: 'tok' });
  authOk(sock());
  await online;
  assert.equal(client.state, 'online');
  assert.equal(client.user.userId, 'ada');
});

test('a request resolves with its answer and an error answer rejects with its code', async () => {
  const { client, sock } = make();
  client.connect(); sock().open(); authOk(sock());
  const ok = client.post('general', 'hi');
  const chat = sock().sent.at(-1);
  assert.equal(chat.type, 'chat');
  assert.ok(chat.idempotencyKey, 'a post carries a key, so a resend is stored once');
  sock().recv({ type: 'ack', replyTo: chat.id, stream: 'channel:general', seq: 3, messageId: 'm1' });
  assert.equal((await ok).messageId, 'm1');
  const bad = client.request({ type: 'history', channel: 'nope' });
  sock().recv({ type: 'error', replyTo: sock().sent.at(-1).id, code: 'NOT_FOUND', error: 'no channel' });
  await assert.rejects(bad, (e) => e instanceof AgentbusError && e.code === 'NOT_FOUND');
});

test('a subscription gets its stream in order and resumes from its last seq after a drop', async () => {
  const { client, timers, sock } = make();
  client.connect(); sock().open(); authOk(sock());
  const got = [];
  client.subscribe({ channel: 'general' }, (f) => got.push(f.seq), { lastSeq: 4 });
  assert.deepEqual(sock().sent.at(-1), { type: 'subscribe', channel: 'general', lastSeq: 4 });
  sock().recv({ type: 'message', stream: 'channel:general', seq: 5 });
  sock().recv({ type: 'subscribed', stream: 'channel:general', seq: 5 });
  sock().recv({ type: 'message', stream: 'channel:other', seq: 9 });
  sock().drop(1012);
  assert.equal(timers.at(-1).ms, 100, '1012 (node restarting): reconnect at once, elsewhere');
  timers.at(-1).fn(); sock().open(); authOk(sock());
  assert.deepEqual(sock().sent.at(-1), { type: 'subscribe', channel: 'general', lastSeq: 5 });
  sock().recv({ type: 'message', stream: 'channel:general', seq: 6 });
  assert.deepEqual(got, [5, 6]);
});

test('a lost connection says when it tries again, each time: within 2 s for a minute, then backing off', () => {
  FakeSocket.all = [];
  const timers = [];
  let now = 0;
  const seen = [];
  const client = new AgentbusClient({ url: 'ws://h/ws', token: () => 'tok', session: 's1', WebSocket: FakeSocket,
    pingMs: 0, setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; }, clearTimeout: () => {},
    random: () => 1, now: () => now });
  client.on('state', (s) => seen.push([s, client.conn.retryTimer ? client.conn.nextRetryMs : null]));
  const sock = () => FakeSocket.all.at(-1);
  client.connect(); sock().open(); authOk(sock());
  sock().drop();
  const waits = [];
  for (let i = 0; i < 6; i++) {
    waits.push(timers.at(-1).ms);
    now += timers.at(-1).ms;
    timers.at(-1).fn(); sock().drop();
  }
  assert.deepEqual(waits, [500, 1000, 2000, 2000, 2000, 2000], 'the first retries come within 2 s');
  assert.deepEqual(seen.filter(([s]) => s === 'reconnecting').map(([, ms]) => ms).slice(0, 3), [500, 1000, 2000],
    'each retry is announced with its delay, after its timer is set');
  now += 60_000;
  timers.at(-1).fn(); sock().drop();
  assert.ok(timers.at(-1).ms > 2000, `after a minute the delay grows: ${timers.at(-1).ms}`);
  timers.at(-1).fn(); sock().open(); authOk(sock());
  sock().drop();
  assert.equal(timers.at(-1).ms, 500, 'back online, the next outage starts fast again');
});

test('a workflow start lost with its connection is not resent; a post is', async () => {
  const { client, timers, sock } = make();
  client.connect(); sock().open(); authOk(sock());
  const start = client.startWorkflow('build it');
  const post = client.post('general', 'again');
  sock().drop();
  await assert.rejects(start, (e) => e.code === 'CONNECTION_LOST');
  timers.at(-1).fn(); sock().open(); authOk(sock());
  const resent = sock().sent.filter((f) => f.type === 'chat');
  assert.equal(resent.length, 1);
  sock().recv({ type: 'ack', replyTo: resent[0].id, seq: 1 });
  assert.equal((await post).seq, 1);
  assert.equal(sock().sent.filter((f) => f.type === 'user_input').length, 0);
});

test('an async token provider is asked again once after 4401, then the app is told (no loop)', async () => {
  let calls = 0;
  const { client, sock } = make(async () => { calls++; return 'tok' + calls; });
  const needed = [];
  client.on('auth_needed', (why) => needed.push(why));
  client.connect();
  await tick();
  sock().open();
  assert.equal(sock().sent[0].token, 'tok1');
  authOk(sock());
  sock().drop(4401, 'token expired');
  await tick();
  assert.equal(calls, 2, 'a fresh token is asked for');
  sock().open();
  assert.equal(sock().sent[0].token, 'tok2');
  sock().drop(4401, 'still refused');
  await tick();
  assert.deepEqual(needed, ['still refused']);
  const sockets = FakeSocket.all.length;
  await tick();
  assert.equal(FakeSocket.all.length, sockets, 'no further attempt without a new token');
});

test('the workflow view folds the events of a run, ignoring replayed ones', () => {
  let s = { workflowId: 'w', status: 'pending', agents: {}, approvals: [], events: [], finalOutputs: null, error: null, lastSeq: 0 };
  const evs = [
    { type: 'workflow_started', seq: 1 },
    { type: 'agent_started', seq: 2, agentRole: 'code', attempt: 1 },
    { type: 'agent_progress', seq: 3, agentRole: 'code', progress: 0.5, currentTask: 'typing', partialOutput: 'def pa' },
    { type: 'agent_progress', seq: 4, agentRole: 'code', progress: 0.6, partialOutput: 'rse():', thinkingProcess: 'hm' },
    { type: 'agent_completed', seq: 5, agentRole: 'code', outputs: { code: 'x' } },
    { type: 'approval_required', seq: 6, approvalId: 'a1', title: 'Ship?' },
    { type: 'approval_resolved', seq: 7, approvalId: 'a1', status: 'approved', decidedBy: 'bo' },
    { type: 'workflow_completed', seq: 8, finalOutputs: { ok: true } },
  ];
  for (const e of evs.slice(0, 4)) s = applyWorkflowEvent(s, e);
  assert.equal(s.agents.code.partialOutput, 'def parse():', 'each progress event carries the text since the last: appended');
  assert.equal(s.agents.code.thinkingProcess, 'hm');
  for (const e of evs.slice(4)) s = applyWorkflowEvent(s, e);
  const again = applyWorkflowEvent(s, evs[3]);
  assert.equal(again, s, 'a replayed event changes nothing');
  assert.equal(s.status, 'completed');
  assert.equal(s.agents.code.status, 'completed');
  assert.equal(s.agents.code.progress, 1);
  assert.deepEqual(s.approvals, [{ approvalId: 'a1', title: 'Ship?', status: 'approved', decidedBy: 'bo' }]);
  assert.deepEqual(s.finalOutputs, { ok: true });
  assert.equal(s.events.length, 8);
});

test('stores follow the client: a workflow replayed from the start, a channel after its history', async () => {
  const { client, sock } = make();
  client.connect(); sock().open(); authOk(sock());
  const wf = workflowStore(client, 'w1');
  assert.deepEqual(sock().sent.at(-1), { type: 'subscribe', workflowId: 'w1', lastSeq: 0 });
  let changes = 0;
  wf.subscribe(() => changes++);
  sock().recv({ type: 'workflow_started', stream: 'workflow:w1', seq: 1 });
  sock().recv({ type: 'cancelled', stream: 'workflow:w1', seq: 2 });
  assert.equal(wf.getSnapshot().status, 'cancelled');
  assert.equal(changes, 2);
  wf.close();
  assert.deepEqual(sock().sent.at(-1), { type: 'unsubscribe', workflowId: 'w1' });

  const ch = channelStore(client, 'general', { limit: 2 });
  const hist = sock().sent.at(-1);
  assert.equal(hist.type, 'history');
  sock().recv({ type: 'message_history', replyTo: hist.id, channel: 'general', hasMore: true,
    messages: [{ messageId: 'm2', seq: 8, content: 'b' }, { messageId: 'm1', seq: 7, content: 'a' }] });
  await tick();
  assert.deepEqual(sock().sent.at(-1), { type: 'subscribe', channel: 'general', lastSeq: 8 });
  sock().recv({ type: 'message', stream: 'channel:general', seq: 9, messageId: 'm3', content: 'c' });
  sock().recv({ type: 'message_updated', stream: 'channel:general', seq: 10, messageId: 'm1', content: 'a!', status: 'complete' });
  sock().recv({ type: 'message_edited', stream: 'channel:general', seq: 11, messageId: 'm2', content: 'b2', editedAt: 't' });
  sock().recv({ type: 'message_pinned', stream: 'channel:general', seq: 12, messageId: 'm3', pinned: true, by: 'bo' });
  sock().recv({ type: 'typing_update', channel: 'general', users: ['bo'] });
  const view = ch.getSnapshot();
  assert.deepEqual(view.messages.map((m) => m.content), ['a!', 'b2', 'c']);
  assert.equal(view.messages[0].status, 'complete');
  assert.deepEqual([view.messages[2].pinned, view.messages[2].pinnedBy], [true, 'bo']);
  assert.deepEqual(view.typing, ['bo']);
  ch.close();

  const ap = approvalsStore(client, async () => [{ approvalId: 'a1', status: 'pending' }, { approvalId: 'a0', status: 'approved' }]);
  await tick();
  sock().recv({ type: 'approval_required', approvalId: 'a2' });
  assert.deepEqual(ap.getSnapshot().pending.map((a) => a.approvalId), ['a1', 'a2']);
  sock().recv({ type: 'approval_resolved', approvalId: 'a1', status: 'approved' });
  assert.deepEqual(ap.getSnapshot().pending.map((a) => a.approvalId), ['a2']);
  ap.close();
});
