// Against two real nodes (run by ClientJsIntegrationTest with their ports and tokens): a reader
// follows a channel through a proxy in front of node 0; the proxy drops every connection and sends
// new ones to node 1; what was posted meanwhile on node 1 reaches the reader after its resume, in
// order, with nothing missed and nothing repeated. Then a workflow followed by the workflow view
// (what useWorkflow renders) runs to its end. Prints one JSON line; exits 1 on any failure.
import net from 'node:net';
import { AgentbusClient, workflowStore } from '../src/index.js';

const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
const [port0, port1] = [Number(env('NODE0_PORT')), Number(env('NODE1_PORT'))];
const channel = env('CHANNEL');
const deadline = (ms, what) => new Promise((_, no) => setTimeout(() => no(new Error(`timed out: ${what}`)), ms));
const until = async (cond, ms, what) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

// A balancer that can lose its connections and send new ones elsewhere.
let target = port0;
const sockets = new Set();
const proxy = net.createServer((down) => {
  const up = net.connect(target, '127.0.0.1');
  for (const s of [down, up]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
  down.pipe(up); up.pipe(down);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const proxyPort = proxy.address().port;

const reader = new AgentbusClient({ url: `ws://127.0.0.1:${proxyPort}/ws`, token: env('TOKEN_READER'), WebSocket });
const writer = new AgentbusClient({ url: `ws://127.0.0.1:${port1}/ws`, token: async () => env('TOKEN_WRITER'), WebSocket });
const states = [];
reader.on('state', (s) => states.push(s));
try {
  await Promise.race([Promise.all([reader.connect(), writer.connect()]), deadline(10_000, 'connect')]);
  const seqs = [];
  reader.subscribe({ channel }, (f) => { if (f.type === 'message') seqs.push(f.seq); });
  await until(() => reader.state === 'online', 5000, 'subscribed');
  await new Promise((r) => setTimeout(r, 300)); // the subscription is confirmed before the first post
  for (let i = 1; i <= 5; i++) await writer.post(channel, `before ${i}`);
  await until(() => seqs.length >= 5, 10_000, 'the first five messages');

  target = port1;
  for (const s of sockets) s.destroy(); // the reader's link is cut without a close frame
  const during = [];
  for (let i = 1; i <= 5; i++) during.push((await writer.post(channel, `during ${i}`)).seq);
  await until(() => seqs.length >= 10, 15_000, 'the five posted while the reader was away');
  await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive (no repeats)

  const inOrder = seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);
  if (seqs.length !== 10 || !inOrder || new Set(seqs).size !== 10) {
    throw new Error(`gapless once each expected, got ${JSON.stringify(seqs)}`);
  }
  if (!states.includes('reconnecting')) throw new Error(`the reader never reconnected: ${states}`);

  const started = await writer.startWorkflow('ship it', { workflow: 'single' });
  const view = workflowStore(writer, started.workflowId);
  await until(() => ['completed', 'failed', 'cancelled'].includes(view.getSnapshot().status), 20_000, 'the workflow');
  const w = view.getSnapshot();
  view.close();
  if (w.status !== 'completed' || !Object.values(w.agents).every((a) => a.status === 'completed')) {
    throw new Error(`workflow view: ${JSON.stringify({ status: w.status, agents: w.agents })}`);
  }
  console.log(JSON.stringify({ ok: true, seqs, during, states, workflow: { status: w.status, events: w.events.length } }));
  process.exitCode = 0;
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e), states }));
  process.exitCode = 1;
} finally {
  reader.close(); writer.close();
  for (const s of sockets) s.destroy();
  proxy.close();
}
