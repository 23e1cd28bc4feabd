// The connection against a fake WebSocket: auth in the first frame (not the URL), resume with
// lastSeq, the outbox, backoff, and what each close code does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../app/net/connection.js';
import { retrying, ApiError } from '../app/net/api.js';
import { FakeSocket } from '../../../clients/js/test-support/fake-socket.js';


function make(extra = {}) {
  FakeSocket.all = [];
  const timers = [];
  const events = { auth: 0, refused: 0, states: [] };
  const c = new Connection({ url: 'ws://h/ws', token: () => 'tok', session: 's1', onFrame: () => {}, WebSocket: FakeSocket,
    setTimeout: (fn, ms) => { timers.push({ fn, ms }); return timers.length; }, clearTimeout: () => {}, random: () => 1,
    onAuthNeeded: () => { events.auth++; }, onSessionRefused: () => { events.refused++; return 's2'; },
    onState: (s) => events.states.push(s), pingMs: 0, connectTimeoutMs: 0, ...extra });
  return { c, timers, events, sock: () => FakeSocket.all[FakeSocket.all.length - 1] };
}
const authOk = (sock, extra = {}) => sock.recv({ type: 'auth_response', replyTo: 'auth', success: true, userId: 'ada', sessionId: 's1', ...extra });

test('the token goes in the first frame, never in the URL', () => {
  const { c, sock } = make();
  c.start();
  assert.ok(!sock().url.includes('tok'));
  assert.ok(sock().url.includes('session=s1'));
  sock().open();
  assert.deepEqual(sock().sent[0], { type: 'auth', id: 'auth', token: 'tok' });
});

test('after a reconnect every followed stream resumes from its last seq, and the outbox is resent', async () => {
  const { c, timers, sock } = make();
  c.start(); sock().open(); authOk(sock());
  c.follow('channel:general', { channel: 'general' }, 10);
  sock().recv({ type: 'message', stream: 'channel:general', seq: 11 });
  sock().recv({ type: 'workflow_started', stream: 'session:s1', seq: 4 });
  sock().drop();
  const answer = c.request({ type: 'chat', channel: 'general', content: 'offline', idempotencyKey: 'k1' });
  assert.equal(c.unsent, 1);
  assert.equal(timers.length, 1);
  timers[0].fn();
  assert.ok(sock().url.includes('sessionSeq=4'), 'the session stream resumes too');
  sock().open(); authOk(sock());
  const sent = sock().sent;
  assert.deepEqual(sent[1], { type: 'subscribe', channel: 'general', lastSeq: 11 });
  assert.equal(sent[2].content, 'offline');
  sock().recv({ type: 'ack', replyTo: sent[2].id, seq: 12 });
  assert.equal((await answer).seq, 12);
  assert.equal(c.unsent, 0);
});

test('errors answer the request that caused them', async () => {
  const { c, sock } = make();
  c.start(); sock().open(); authOk(sock());
  const p = c.request({ type: 'message_edit', messageId: 'x', content: 'y' });
  const id = sock().sent[1].id;
  sock().recv({ type: 'error', replyTo: id, code: 'FORBIDDEN', error: 'not yours' });
  await assert.rejects(p, (e) => e.code === 'FORBIDDEN');
});

test('reconnect delays back off exponentially (with jitter), within 2 s for the first minute, reset once online', () => {
  const { c, timers, sock } = make();
  c.start();
  for (let i = 0; i < 4; i++) { sock().drop(); timers[timers.length - 1].fn(); }
  assert.deepEqual(timers.map((t) => t.ms), [500, 1000, 2000, 2000]);
  sock().open(); authOk(sock());
  sock().drop();
  assert.equal(timers[timers.length - 1].ms, 500);
});

test('4401 asks for a new token instead of looping; 4403 starts a new session once; 1012 goes at once', () => {
  const { c, timers, events, sock } = make();
  c.start(); sock().open();
  sock().drop(4401);
  assert.equal(events.auth, 1);
  assert.equal(timers.length, 0, 'no reconnect on its own with a refused token');
  c.restart(); sock().open();
  sock().drop(4403);
  assert.equal(events.refused, 1);
  assert.ok(sock().url.includes('session=s2'));
  sock().open(); authOk(sock(), { sessionId: 's2' });
  sock().drop(1012);
  assert.equal(timers[timers.length - 1].ms, 100);
});

test('a refused token in the auth frame signs out; a foreign session waits for its 4403', () => {
  const { c, events, sock } = make();
  c.start(); sock().open();
  sock().recv({ type: 'auth_response', replyTo: 'auth', success: false });
  sock().recv({ type: 'error', replyTo: 'auth', code: 'FORBIDDEN' });
  assert.equal(events.auth, 0);
  sock().drop(4403);
  assert.equal(events.refused, 1);
  sock().open();
  sock().recv({ type: 'auth_response', replyTo: 'auth', success: false });
  sock().recv({ type: 'error', replyTo: 'auth', code: 'NOT_AUTHENTICATED' });
  assert.equal(events.auth, 1);
  assert.equal(c.state, 'signed-out');
});

test('REST calls retry transient failures and give up on refusals', async () => {
  let calls = 0;
  const waits = [];
  const v = await retrying(async () => { if (++calls < 3) throw new ApiError(503, 'UNAVAILABLE'); return 'ok'; },
    (e, n, w) => waits.push(w), { sleep: async () => {}, random: () => 1 });
  assert.equal(v, 'ok');
  assert.deepEqual(waits, [500, 1000]);
  await assert.rejects(retrying(async () => { throw new ApiError(403, 'FORBIDDEN'); }, () => {}, { sleep: async () => {} }), (e) => e.status === 403);
});

test('after a drop, reads and keyed chats are resent; a workflow start or a decision is not (CONNECTION_LOST)', async () => {
  const { c, timers, sock } = make();
  c.start(); sock().open(); authOk(sock());
  const start = c.request({ type: 'user_input', content: 'build it' });
  const chat = c.request({ type: 'chat', channel: 'general', content: 'hi', idempotencyKey: 'k2' });
  const decide = c.request({ type: 'approval_response', approvalId: 'a1', action: 'approve' });
  sock().drop();
  await assert.rejects(start, (e) => e.code === 'CONNECTION_LOST');
  await assert.rejects(decide, (e) => e.code === 'CONNECTION_LOST');
  timers[timers.length - 1].fn();
  sock().open(); authOk(sock());
  const resent = sock().sent.filter((f) => f.type !== 'auth');
  assert.deepEqual(resent.map((f) => f.type), ['chat']);
  sock().recv({ type: 'ack', replyTo: resent[0].id, seq: 3 });
  assert.equal((await chat).seq, 3);
});

test('a connect that does not authenticate in time is given up and retried (a node behind a black hole)', () => {
  const { c, timers, sock } = make({ connectTimeoutMs: 5000 });
  c.start();
  const first = sock();
  const limit = timers.find((t) => t.ms === 5000);
  assert.ok(limit, 'a connect timer is set');
  limit.fn(); // nothing answered: the attempt is closed (the browser then fires onclose)
  assert.equal(first.closed, 4000);
  first.drop(1006);
  assert.ok(timers.some((t) => t.ms <= 2000 && t !== limit), 'and a retry is scheduled within the fast cap');
});

test('a fresh token is handed to the live connection in an auth frame, without reconnecting', async () => {
  const { c, sock } = make();
  c.start(); sock().open(); authOk(sock());
  const before = FakeSocket.all.length;
  const renewed = c.renew('tok2');
  const frame = sock().sent.at(-1);
  assert.equal(frame.type, 'auth');
  assert.equal(frame.token, 'tok2');
  sock().recv({ type: 'auth_response', replyTo: frame.id, success: true, renewed: true, userId: 'ada' });
  assert.equal((await renewed).renewed, true);
  assert.equal(FakeSocket.all.length, before, 'no new socket');
  sock().drop();
  assert.equal(await c.renew('tok3'), null, 'offline: nothing to renew, the next connect asks token()');
});
