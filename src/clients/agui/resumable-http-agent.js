// ResumableHttpAgent: @ag-ui/client's HttpAgent plus resume (PROTOCOL §11). agentbus gives every
// AG-UI event an `id:` cursor; this agent remembers the last one it saw and, to reconnect, asks
// GET {url}/threads/{threadId}/runs/{runId}/events with Last-Event-ID — on any node — and gets
// exactly what it missed. Copy it into any AG-UI app.
//
//   const agent = new ResumableHttpAgent({ url: 'https://host/agui', headers: { Authorization: `Bearer ${t}` } });
//   await agent.runAgent({ forwardedProps: { workflow: 'default' } });     // as with HttpAgent
//   await agent.connectAgent({ runId });                                    // after a drop: resume
import { HttpAgent, runHttpRequest, transformHttpEventStream } from '@ag-ui/client';

export class ResumableHttpAgent extends HttpAgent {
  constructor(config) {
    super({ ...config, fetch: (url, init) => this.#tracked(url, init, config.fetch ?? globalThis.fetch) });
    /** The cursor of the last event received (the `id:` of its SSE frame), or null. */
    this.lastEventId = null;
  }

  /** Reconnects to the run (AbstractAgent.connectAgent): after the last event seen, or a join when none. */
  connect(input) {
    const base = this.url.replace(/\/+$/, '');
    const url = `${base}/threads/${encodeURIComponent(input.threadId)}/runs/${encodeURIComponent(input.runId)}/events`;
    const headers = { ...this.headers, Accept: 'text/event-stream' };
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    return transformHttpEventStream(runHttpRequest(() => this.fetch(url, { method: 'GET', headers })));
  }

  // The SSE body passes through unchanged; its `id:` lines are noted on the way.
  async #tracked(url, init, fetchFn) {
    const response = await fetchFn(url, init);
    if (!response.body) return response;
    let rest = '';
    const decoder = new TextDecoder();
    const body = response.body.pipeThrough(new TransformStream({
      transform: (chunk, out) => {
        rest += decoder.decode(chunk, { stream: true });
        const lines = rest.split('\n');
        rest = lines.pop();
        for (const line of lines) if (line.startsWith('id:')) this.lastEventId = line.slice(3).trim();
        out.enqueue(chunk);
      },
    }));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}
