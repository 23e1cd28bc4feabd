// The web UI's entry: load the client config (retrying while the node is unreachable), sign in
// (single sign-on through the node's identity provider, dev login, or a pasted token), open the
// one connection, then hand the page to the views.

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

/** Signed in by single sign-on: the HttpOnly cookie signs every request; {expiresAt} of its token. */
let sso = null;
const api = createApi(() => token, undefined, () => signedOut(), () => !!sso);
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
  token = await showLogin(app, reason); // single sign-on leaves the page instead of resolving
  auth.store(token);
}

/** The single sign-on session of this browser, if its cookie holds one (null otherwise). */
async function ssoSession() {
  if (!app.config.sso) return null;
  try {
    return await api.get('/auth/session', { quiet: true });
  } catch (e) {
    return null;
  }
}

/** Renews the single sign-on session before its token ends (the node asks the provider); false once it has ended. */
async function renewSso() {
  try {
    sso = await api.post('/auth/refresh', {}, { quiet: true });
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return false;
    return true; // the node is unreachable: tried again on the next tick
  }
}

/** A new token without asking when dev login can mint one for the same identity; else the sign-in screen. */
async function reauthenticate(reason) {
  if (sso) {
    sso = null;
    await signIn(reason || 'Your sign-in ended. Sign in again.');
    return;
  }
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
  sso = token ? null : await ssoSession();
  if (!token && !sso) await signIn();
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
    cookieAuth: !!sso, // single sign-on: the upgrade carries the session cookie
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
  app.signOut = async () => {
    auth.forget();
    sessionStorage.removeItem('agentbus.session');
    if (sso) {
      // Signed out on every node (its connections close); then out at the provider too, when it says how.
      const r = await api.post('/auth/logout', {}, { quiet: true }).catch(() => ({}));
      sso = null;
      if (r.endSessionUrl) { location.assign(r.endSessionUrl); return; }
    }
    location.reload();
  };
  // A dev token is renewed before it expires (a prod one cannot be: the user is asked when it does),
  // and handed to the live connection, which the server would otherwise close when the old one expires.
  setInterval(() => {
    // A single sign-on session is renewed in its last third; the live connection learns of it from the node.
    if (sso && Date.parse(sso.expiresAt) - Date.now() < ssoRenewAheadMs()) {
      renewSso().then((ok) => { if (!ok) signedOut('Your sign-in ended. Sign in again.'); });
      return;
    }
    if (auth.secondsLeft(token) < 120 && app.config.devLogin && auth.devIdentity()) {
      reauthenticate().then(() => app.conn?.renew(token)).catch(() => {});
    }
  }, 10_000);

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

/** How long before the single sign-on token ends the UI renews it: a third of its life, at least 20 s, at most 2 min. */
function ssoRenewAheadMs() {
  const life = app.config.ssoSessionTtlSeconds ? app.config.ssoSessionTtlSeconds * 1000 : 600_000;
  return Math.min(120_000, Math.max(20_000, life / 3));
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
