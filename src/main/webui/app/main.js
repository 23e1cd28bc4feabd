// The web UI's entry: load the client config (retrying while the node is unreachable), sign in
// (dev login or a pasted token), open the one connection, then hand the page to the views.

import { createApi, retrying, ApiError } from './net/api.js';
import { Connection } from './net/connection.js';
import * as auth from './core/auth.js';
import { $ } from './ui/dom.js';
import { showLogin } from './ui/login.js';
import { connIndicator } from './ui/status.js';
import { createChat } from './ui/chat.js';
import { createRuns } from './ui/runs.js';
import { createInbox } from './ui/inbox.js';
import { createSidebar } from './ui/sidebar.js';
import { createAdmin } from './ui/admin.js';
import { initTheme } from './ui/theme.js';
import { initLayout } from './ui/layout.js';
import { iconize } from './ui/icons.js';
import { createNotify } from './ui/notify.js';

iconize();
const boot = $('#boot');
let token = auth.stored();

const api = createApi(() => token, undefined, () => signedOut());
let reauth = null;
/** The token stopped working (a 401, a refused auth frame): one new sign-in, then reconnect. */
function signedOut(reason) {
  if (!reauth) {
    reauth = reauthenticate(reason).then(() => { reauth = null; app.conn?.restart(); });
  }
  return reauth;
}

/** Everything the views share. */
const app = {
  api,
  conn: null,
  config: null,
  me: null,
  users: new Map(),
  bus: new EventTarget(),
  on(type, fn) { this.bus.addEventListener(type, (e) => fn(e.detail)); },
  emit(type, detail) { this.bus.dispatchEvent(new CustomEvent(type, { detail })); },
  name(userId) { return this.users.get(userId)?.displayName || userId; },
  tokenNow() { return token; },
  has(role) { return !!this.me?.roles?.includes(role); },
  /** A user id seen (a message, a presence change): the directory is re-read once if it is new. */
  learn(userId) {
    // Each unknown id asks once: a user the directory does not list is not asked about again.
    if (!userId || this.users.has(userId) || this.asked.has(userId)) return;
    this.asked.add(userId);
    if (!this.learning) this.learning = setTimeout(() => { this.learning = null; this.refreshUsers(); }, 200);
  },
  asked: new Set(),
  async refreshUsers() {
    const r = await api.get('/api/users').catch(() => ({ users: [] }));
    for (const u of r.users || []) this.users.set(u.userId, u);
    this.emit('users');
  },
};

/** Runs `fn`, showing "retrying…" on the boot screen while the node cannot be reached. */
function loading(what, fn) {
  return retrying(fn, (e, attempt, wait) => {
    boot.hidden = false;
    boot.textContent = `Could not load ${what} (${e.message}). Retrying in ${Math.ceil(wait / 1000)} s… (attempt ${attempt})`;
  });
}

async function signIn(reason) {
  $('#shell').hidden = true;
  boot.hidden = true;
  token = await showLogin(app, reason);
  auth.store(token);
}

/** A new token without asking when dev login can mint one for the same identity; else the sign-in screen. */
async function reauthenticate(reason) {
  const dev = auth.devIdentity();
  if (app.config.devLogin && dev) {
    try {
      const r = await api.post('/api/auth/token', { userId: dev.userId, roles: dev.roles });
      token = r.token;
      auth.store(token);
      return;
    } catch (e) { /* fall through to asking */ }
  }
  auth.forget();
  token = null;
  await signIn(reason || 'Your sign-in expired. Sign in again.');
}

async function start() {
  app.config = await loading('the configuration', () => api.get('/api/auth/config'));
  if (!token) await signIn();
  // Who am I (also proves the token); a refused token goes back to sign-in, never a loop.
  for (;;) {
    try {
      app.me = await loading('your profile', () => api.get('/api/me'));
      break;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) await signedOut('That token was not accepted. Sign in again.');
      else throw e;
    }
  }
  app.users.set(app.me.userId, app.me);
  boot.hidden = true;
  $('#shell').hidden = false;

  const session = sessionStorage.getItem('agentbus.session') || newSessionId();
  sessionStorage.setItem('agentbus.session', session);
  app.conn = new Connection({
    url: (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws',
    token: () => (auth.secondsLeft(token) > 0 ? token : null), // an expired one is not even tried
    session,
    onFrame: (f) => app.emit('frame', f),
    onState: (s, c) => app.emit('conn', { state: s, conn: c }),
    onOnline: (f) => app.emit('online', f),
    onOutbox: (n) => app.emit('outbox', n),
    onAuthNeeded: (why) => { signedOut(why ? `Signed out: ${why}` : undefined); },
    onSessionRefused: () => {
      const fresh = newSessionId();
      sessionStorage.setItem('agentbus.session', fresh);
      app.emit('session', fresh);
      return fresh;
    },
  });
  app.switchSession = (id) => {
    sessionStorage.setItem('agentbus.session', id);
    app.conn.session = id;
    app.conn.sessionSeq = null;
    app.emit('session', id);
    app.conn.restart();
  };
  app.newSession = () => app.switchSession(newSessionId());
  app.signOut = () => { auth.forget(); sessionStorage.removeItem('agentbus.session'); location.reload(); };
  // A dev token is renewed before it expires (a prod one cannot be: the user is asked when it does),
  // and handed to the live connection, which the server would otherwise close when the old one expires.
  setInterval(() => {
    if (auth.secondsLeft(token) < 120 && app.config.devLogin && auth.devIdentity()) {
      reauthenticate().then(() => app.conn?.renew(token)).catch(() => {});
    }
  }, 30_000);

  initTheme();
  initLayout(app);
  connIndicator(app);
  createNotify(app);
  createSidebar(app);
  createChat(app);
  createRuns(app);
  createInbox(app);
  createAdmin(app);
  app.refreshUsers();
  app.conn.start();
  app.emit('ready');
}

function newSessionId() {
  return 'web-' + (crypto.randomUUID ? crypto.randomUUID() : Math.random().toString(36).slice(2));
}

start().catch((e) => {
  boot.hidden = false;
  boot.textContent = `agentbus could not start: ${e.message}. Reload to try again.`;
  console.error(e);
});

// For tests and debugging: the app's shared state (no secrets beyond what the page already holds).
globalThis.agentbus = app;
