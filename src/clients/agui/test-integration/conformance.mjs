// The stock AG-UI client against two real agentbus nodes (run by AguiClientTest): a run to
// completion through @ag-ui/client's own event verification; the same run read again in pieces —
// a stream cut at every 7th event and resumed on the other node with ResumableHttpAgent — ends
// with identical messages; a late joiner matches; a gated run answered through resume[], and a
// second answer refused. Prints one JSON line; exits 1 on any failure.
import { HttpAgent, randomUUID } from '@ag-ui/client';
import { ResumableHttpAgent } from '../resumable-http-agent.js';

const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
const nodes = [`http://127.0.0.1:${env('NODE0_PORT')}/agui`, `http://127.0.0.1:${env('NODE1_PORT')}/agui`];
const headers = { Authorization: `Bearer ${env('TOKEN')}` };
const texts = (messages) => messages.filter((m) => m.role === 'assistant').map((m) => `${m.id}:${m.content}`).sort();

try {
  // 1. A whole run through the stock client (its runAgent verifies every event).
  const threadId = `t-${randomUUID()}`;
  const agent = new HttpAgent({ url: nodes[0], headers, threadId,
    initialMessages: [{ id: 'u1', role: 'user', content: 'build a parser' }] });
  const runId = randomUUID();
  const result = await agent.runAgent({ runId, forwardedProps: { workflow: 'single' } });
  const watched = texts(agent.messages);
  if (!watched.length) throw new Error('no assistant message');

  // 2. The same run, its stream cut after every 7th event (the network drops it at a frame's end),
  // each time resumed on the other node with the last id seen.
  const cutting = async (url, init) => {
    const response = await fetch(url, init);
    let frames = 0;
    let rest = '';
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    const body = new ReadableStream({
      async pull(out) {
        const { done, value } = await reader.read();
        if (done) { out.close(); return; }
        rest += decoder.decode(value, { stream: true });
        let end;
        while ((end = rest.indexOf('\n\n')) >= 0) {
          const frame = rest.slice(0, end + 2);
          rest = rest.slice(end + 2);
          out.enqueue(new TextEncoder().encode(frame));
          if (frame.includes('data:') && ++frames === 7) { reader.cancel(); out.close(); return; }
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const events = [];
  const resumer = new ResumableHttpAgent({ url: nodes[1], headers, threadId, fetch: cutting });
  resumer.lastEventId = '0'; // from the run's first event
  let cuts = 0;
  for (let done = false, i = 0; !done && i < 200; i++) {
    await new Promise((resolve, reject) => {
      resumer.connect({ threadId, runId }).subscribe({
        next: (e) => {
          events.push(e);
          if (e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR') done = true;
        },
        error: (err) => (done ? resolve() : reject(err)),
        complete: () => resolve(),
      });
    });
    if (!done) cuts++;
    resumer.url = nodes[i % 2]; // the next piece from the other node
  }
  const pieces = new Map();
  for (const e of events) {
    if (e.type === 'TEXT_MESSAGE_START') pieces.set(e.messageId, pieces.get(e.messageId) ?? '');
    if (e.type === 'TEXT_MESSAGE_CONTENT') pieces.set(e.messageId, (pieces.get(e.messageId) ?? '') + e.delta);
  }
  const resumedTexts = [...pieces].map(([id, t]) => `${id}:${t}`).sort();
  if (JSON.stringify(resumedTexts) !== JSON.stringify(watched)) {
    throw new Error(`resumed ${JSON.stringify(resumedTexts)} != watched ${JSON.stringify(watched)}`);
  }

  // 3. A late joiner (no cursor) through the stock client's connectAgent.
  const late = new ResumableHttpAgent({ url: nodes[1], headers, threadId });
  await late.connectAgent({ runId });
  if (JSON.stringify(texts(late.messages)) !== JSON.stringify(watched)) {
    throw new Error(`late joiner ${JSON.stringify(texts(late.messages))} != ${JSON.stringify(watched)}`);
  }

  // 4. A gate is an interrupt, answered through resume[]; a second answer is refused.
  const gThread = `t-${randomUUID()}`;
  const gated = new HttpAgent({ url: nodes[0], headers, threadId: gThread,
    initialMessages: [{ id: 'u1', role: 'user', content: 'ship it' }] });
  let outcome;
  await gated.runAgent({ runId: randomUUID(), forwardedProps: { workflow: 'gated' } },
    { onRunFinishedEvent: ({ event }) => { outcome = event.outcome; } });
  const interruptId = outcome?.interrupts?.[0]?.id;
  if (outcome?.type !== 'interrupt' || !interruptId) throw new Error(`no interrupt after the gate: ${JSON.stringify(outcome)}`);
  const answer = { interruptId, status: 'resolved', payload: { approved: true, feedback: 'go' } };
  const answered = new HttpAgent({ url: nodes[1], headers, threadId: gThread });
  await answered.runAgent({ runId: randomUUID(), resume: [answer] });
  const again = await fetch(nodes[0], { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json',
    Accept: 'text/event-stream' }, body: JSON.stringify({ threadId: gThread, runId: randomUUID(), messages: [],
    resume: [answer] }) });
  if (again.status !== 409) throw new Error(`a second answer got ${again.status}`);

  console.log(JSON.stringify({ ok: true, events: events.length, cuts, messages: watched.length }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.stack || e) }));
  process.exitCode = 1;
}
