// Sign-in: single sign-on through the node's identity provider when it has one (the browser
// leaves for the provider and comes back signed in by an HttpOnly cookie), dev login (a display
// name the user picks; user id and roles under "advanced") when the node has it on, else a token
// pasted from `agentbus token` (prod). Resolves with the token (dev login, pasted).

import { $, $$ } from './dom.js';
import { userIdFrom } from '../core/format.js';
import * as auth from '../core/auth.js';

export function showLogin(app, reason) {
  const dev = app.config.devLogin;
  const sso = app.config.sso;
  const form = $('#login-form');
  $('#login').hidden = false;
  $('#login-dev').hidden = !dev;
  $('#login-token').hidden = dev || sso;
  $('#login-sso').hidden = !sso;
  $('#login-submit').hidden = !dev && sso;
  $('#login-sso-go').onclick = () => {
    const back = location.pathname + location.search + location.hash;
    location.assign('/auth/login?returnTo=' + encodeURIComponent(back));
  };
  $('#login-note').textContent = reason || '';
  const name = $('#login-name');
  const user = $('#login-user');
  const known = auth.devIdentity();
  if (dev) {
    name.required = true;
    if (known) {
      name.value = known.displayName || '';
      user.value = known.userId;
      $$('input[name=role]').forEach((c) => { c.checked = (known.roles || []).includes(c.value); });
    }
    let userEdited = !!known;
    user.addEventListener('input', () => { userEdited = true; });
    name.addEventListener('input', () => { if (!userEdited) user.value = userIdFrom(name.value); });
    name.focus();
  } else if (sso) {
    name.required = false;
    $('#login-sso-go').focus();
  } else {
    name.required = false;
    $('#login-token-input').focus();
  }
  return new Promise((resolve) => {
    form.onsubmit = async (e) => {
      e.preventDefault();
      const button = $('#login-submit');
      button.disabled = true;
      $('#login-note').textContent = '';
      try {
        let token;
        if (dev) {
          const displayName = name.value.trim();
          const userId = user.value.trim() || userIdFrom(displayName);
          const roles = $$('input[name=role]:checked').map((c) => c.value);
          token = (await app.api.post('/api/auth/token', { userId, roles })).token;
          await app.api.post('/api/me', { displayName }, { headers: { Authorization: 'Bearer ' + token } });
          auth.rememberDev({ userId, displayName, roles });
        } else {
          token = $('#login-token-input').value.trim();
          await app.api.get('/api/me', { headers: { Authorization: 'Bearer ' + token } });
        }
        $('#login').hidden = true;
        resolve(token);
      } catch (err) {
        $('#login-note').textContent = err.status === 401 ? 'That token was not accepted (expired, or from another cluster).'
          : `Could not sign in: ${err.message}`;
      } finally {
        button.disabled = false;
      }
    };
  });
}
