// A WebSocket stand-in for the client's tests (and the web UI's): records what is sent, and lets a
// test open it, deliver frames and drop it with a close code. `FakeSocket.all` holds every one made.
export class FakeSocket {
  static all = [];
  constructor(url) { this.url = url; this.sent = []; FakeSocket.all.push(this); }
  send(t) { this.sent.push(JSON.parse(t)); }
  close(code) { this.closed = code; }
  open() { this.onopen?.(); }
  recv(f) { this.onmessage?.({ data: JSON.stringify(f) }); }
  drop(code = 1006, reason = '') { this.onclose?.({ code, reason }); }
}
