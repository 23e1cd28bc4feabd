// The message box: grows with its text, Enter sends and Shift+Enter breaks the line, Up in an
// empty box edits your last message, `@` and `/` open completions (people, agents, and the
// commands with the usage the server's /help gives), typing is announced (throttled), and files
// come by picker, paste or drag & drop.

import { $, h } from './dom.js';
import { tokenAt, suggest, complete, mentionsIn, alreadyTyped } from '../core/complete.js';
import { uploadTray, dropZone } from './files.js';

const TYPING_EVERY_MS = 3000;
const AGENTS = ['orchestrator', 'code', 'design', 'qa', 'data'];

export function createComposer(app, { input, form, files, suggest: box, channel, onSend, onEditLast }) {
  const tray = uploadTray(app, files);
  let commands = [];
  let items = [];
  let active = 0;
  let token = null;
  let typingAt = 0;

  app.on('online', () => {
    // The command list with usage, once per connection (the server's /help answers only the asker).
    app.conn.request({ type: 'chat', channel: channel() || 'general', content: '/help' })
      .then((r) => { if (Array.isArray(r.data)) commands = r.data; }).catch(() => {});
  });

  const grow = () => { input.style.height = 'auto'; input.style.height = `${Math.min(input.scrollHeight, 240)}px`; };

  function refreshSuggestions() {
    token = tokenAt(input.value, input.selectionStart);
    const agents = [...new Set([...AGENTS, ...(app.agentRoles || [])])];
    items = token ? suggest(token, { users: [...app.users.values()], agents, commands }) : [];
    active = 0;
    drawSuggestions();
  }
  function drawSuggestions() {
    box.hidden = items.length === 0;
    input.setAttribute('aria-expanded', String(!box.hidden));
    box.replaceChildren(...items.map((it, i) => h('li', { role: 'option', id: 'sugg-' + i, 'aria-selected': String(i === active),
      class: i === active ? 'active' : '', onmousedown: (e) => { e.preventDefault(); accept(i); } },
    h('span.label', it.label), h('span.detail', it.detail || ''))));
    if (!box.hidden) input.setAttribute('aria-activedescendant', 'sugg-' + active); else input.removeAttribute('aria-activedescendant');
  }
  function accept(i) {
    const it = items[i];
    if (!it || !token) return;
    const r = complete(input.value, token, it.insert);
    input.value = r.text;
    input.setSelectionRange(r.caret, r.caret);
    items = [];
    drawSuggestions();
    grow();
  }

  input.addEventListener('input', () => {
    grow();
    refreshSuggestions();
    if (channel() && input.value && Date.now() - typingAt > TYPING_EVERY_MS) {
      typingAt = Date.now();
      app.conn.send({ type: 'typing_start', channel: channel() });
    }
  });
  input.addEventListener('click', refreshSuggestions);
  input.addEventListener('blur', () => { items = []; drawSuggestions(); stopTyping(); });
  input.addEventListener('keydown', (e) => {
    if (items.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); active = (active + 1) % items.length; drawSuggestions(); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); active = (active - 1 + items.length) % items.length; drawSuggestions(); return; }
      // Enter on a command or name typed out in full sends it (one Enter, not a completion then a send).
      const done = e.key === 'Enter' && alreadyTyped(input.value, token, items[active]);
      if (!done && (e.key === 'Enter' || e.key === 'Tab')) { e.preventDefault(); accept(active); return; }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); items = []; drawSuggestions(); return; }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); return; }
    if (e.key === 'ArrowUp' && !input.value && onEditLast()) e.preventDefault();
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });

  function stopTyping() {
    if (typingAt && channel()) app.conn.send({ type: 'typing_stop', channel: channel() });
    typingAt = 0;
  }

  function submit() {
    const content = input.value.trim();
    if (tray.busy()) { app.emit('toast', 'Wait for the uploads to finish.'); return; }
    const attachments = tray.ids();
    if (!content && !attachments.length) return;
    if (content.length > (app.config.maxContentChars || 16000)) { app.emit('toast', `Too long: at most ${app.config.maxContentChars} characters.`); return; }
    onSend({ content: content || '(attachment)', attachments, mentions: mentionsIn(content) });
    input.value = '';
    tray.clear();
    grow();
    stopTyping();
  }

  $('#attach').addEventListener('click', () => $('#file-input').click());
  $('#file-input').accept = (app.config.uploads?.extensions || []).map((x) => '.' + x).join(',');
  $('#file-input').addEventListener('change', (e) => { tray.add(e.target.files); e.target.value = ''; });
  input.addEventListener('paste', (e) => {
    const pasted = [...(e.clipboardData?.files || [])];
    if (pasted.length) { e.preventDefault(); tray.add(pasted); }
  });
  dropZone($('#chat'), $('#drop'), (fl) => tray.add(fl));

  return {
    channelChanged() { stopTyping(); $('#typing').textContent = ''; },
    tray,
  };
}
