// Fast tests of the UI's pure modules (node --test test/): no browser, no server.
import test from 'node:test';
import assert from 'node:assert/strict';
import { delay, CAP_MS, FLOOR_MS } from '../app/core/backoff.js';
import { Timeline, groupsWith, applyChange } from '../app/core/timeline.js';
import { tokenAt, suggest, complete, mentionsIn, alreadyTyped } from '../app/core/complete.js';
import { whyReadOnly, channelTitle, grouped } from '../app/core/channels.js';
import { ICONS } from '../app/ui/icon-data.js';
import { noticeFor, titled } from '../app/core/notices.js';
import { readFileSync, readdirSync } from 'node:fs';
import { emptyRun, fold, progress, eta, live } from '../app/core/workflow.js';
import { initials, countdown, bytes, duration, userIdFrom, dayLabel } from '../app/core/format.js';

const at = (min) => new Date(Date.UTC(2026, 11, 2, 10, min)).toISOString();
const msg = (seq, author = 'ada', min = seq, extra = {}) => ({ messageId: 'm' + seq, seq, authorId: author, authorType: 'user',
  content: 'c' + seq, timestamp: at(min), channel: 'general', ...extra });

test('backoff grows exponentially with full jitter, floored and capped', () => {
  assert.equal(delay(0, () => 1), 500);
  assert.equal(delay(3, () => 1), 4000);
  assert.equal(delay(40, () => 1), CAP_MS);
  assert.equal(delay(5, () => 0), FLOOR_MS);
  const spread = new Set(Array.from({ length: 50 }, () => delay(6)));
  assert.ok(spread.size > 10, 'jittered: reconnecting tabs do not come back together');
});

test('a timeline stays bounded: older pages drop the newest, and it then knows it is in the past', () => {
  const tl = new Timeline(100);
  tl.resetLatest(Array.from({ length: 50 }, (_, i) => msg(1000 + i)), true);
  assert.equal(tl.atLatest, true);
  for (let p = 1; p <= 3; p++) tl.prependOlder(Array.from({ length: 50 }, (_, i) => msg(1000 - 50 * p + i)), true);
  assert.equal(tl.size, 100);
  assert.equal(tl.atLatest, false, 'the newest were dropped');
  assert.equal(tl.firstSeq, 850);
  assert.equal(tl.live(msg(2000)), 'unseen', 'a live message while in the past only counts');
  assert.equal(tl.unseen, 1);
  tl.appendNewer(Array.from({ length: 50 }, (_, i) => msg(950 + i)), false);
  assert.equal(tl.atLatest, true);
  assert.equal(tl.size, 100);
  assert.equal(tl.hasOlder, true);
});

test('live messages append once, replays update, thread replies stay out of the channel', () => {
  const tl = new Timeline();
  tl.resetLatest([msg(1), msg(2)], false);
  assert.equal(tl.live(msg(3)), 'appended');
  assert.equal(tl.live(msg(3)), 'updated');
  assert.equal(tl.live(msg(4, 'bob', 4, { threadId: 'm1' })), 'ignored');
  assert.deepEqual(tl.items.map((m) => m.seq), [1, 2, 3]);
});

test('rows group one author within five minutes and divide days', () => {
  const tl = new Timeline();
  tl.resetLatest([msg(1, 'ada', 0), msg(2, 'ada', 3), msg(3, 'ada', 20), msg(4, 'bob', 21)], false);
  const rows = tl.rows(new Date(at(30)));
  assert.equal(rows[0].kind, 'divider');
  assert.equal(rows[0].label, 'Today');
  assert.deepEqual(rows.slice(1).map((r) => r.grouped), [false, true, false, false]);
  assert.equal(groupsWith(msg(1, 'x', 0, { authorType: 'system' }), msg(2, 'x', 1, { authorType: 'system' })), false);
});

test('changes apply to the message: edits, deletes, reactions (mine or not), pins, thread summaries', () => {
  const m = msg(1);
  applyChange(m, { type: 'message_edited', content: 'new', editedAt: at(2) }, 'ada');
  assert.equal(m.content, 'new');
  applyChange(m, { type: 'reaction_updated', emoji: '👍', userId: 'ada', op: 'add', counts: { '👍': 2 } }, 'ada');
  assert.deepEqual(m.reactions, { counts: { '👍': 2 }, mine: ['👍'] });
  applyChange(m, { type: 'reaction_updated', emoji: '👍', userId: 'bob', op: 'remove', counts: { '👍': 1 } }, 'ada');
  assert.deepEqual(m.reactions.mine, ['👍'], "someone else's removal leaves mine");
  applyChange(m, { type: 'thread_updated', threadSummary: { replies: 3 } }, 'ada');
  assert.equal(m.threadSummary.replies, 3);
  applyChange(m, { type: 'message_deleted' }, 'ada');
  assert.equal(m.deleted, true);
  assert.equal(m.content, null);
  assert.ok(m.version >= 5, 'each change bumps the version the view re-renders on');
});

test('completion finds the token at the caret and ranks prefix matches first', () => {
  assert.deepEqual(tokenAt('/he', 3), { kind: 'command', query: 'he', start: 0, end: 3 });
  assert.equal(tokenAt('hi /he', 6), null, 'a command only at the start');
  const t = tokenAt('hey @co', 7);
  assert.deepEqual(t, { kind: 'mention', query: 'co', start: 4, end: 7 });
  assert.equal(tokenAt('mail a@b', 8), null, 'an address is not a mention');
  const s = suggest(t, { agents: ['code', 'design'], users: [{ userId: 'cora', displayName: 'Cora' }, { userId: 'nico', displayName: 'Nico' }] });
  assert.deepEqual(s.map((x) => x.label), ['@code', '@cora', '@nico']);
  const cmds = suggest(tokenAt('/p', 2), { commands: [{ command: 'pause', usage: '/pause [workflowId]' }, { command: 'help', usage: '/help' }] });
  assert.deepEqual(cmds.map((x) => [x.label, x.detail]), [['/pause', '/pause [workflowId]']]);
  assert.deepEqual(complete('hey @co later', t, '@code '), { text: 'hey @code later', caret: 10 });
  assert.deepEqual(mentionsIn('@code and @qa, also @code. mail a@b'), ['code', 'qa']);
});

test('a workflow card folds its events, ignores replays and closes its gates when it ends', () => {
  const run = emptyRun('w1');
  const ev = (seq, type, x = {}) => ({ stream: 'workflow:w1', seq, type, workflowId: 'w1', timestamp: at(seq), ...x });
  fold(run, ev(1, 'workflow_started', { workflowName: 'reviewed', estimatedDuration: 6, traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    agents: [{ role: 'design', estimatedTime: 2, expectedMs: 4000 }, { role: 'code', estimatedTime: 4, expectedMs: null }] }));
  assert.equal(run.traceId, '4bf92f3577b34da6a3ce929d0e0e4736', 'the run details show its trace id');
  assert.equal(eta(run), null, 'a step never measured: no ETA (not the template\'s minutes)');
  fold(run, ev(2, 'agent_started', { agentRole: 'design', agentName: 'Designer', expectedMs: 4000 }));
  fold(run, ev(3, 'agent_progress', { agentRole: 'design', progress: 0.5, partialOutput: 'half' }));
  fold(run, ev(3, 'agent_progress', { agentRole: 'design', progress: 0.5, partialOutput: 'half' }));
  assert.equal(run.byRole.design.partial, 'half', 'a replayed event is not applied twice');
  assert.deepEqual(progress(run), { done: 0, total: 2, fraction: 0.25 });
  run.byRole.code.estimatedMs = 6000;
  const startedDesign = new Date(run.byRole.design.startedAt).getTime();
  assert.equal(eta(run, startedDesign + 1000), 3000 + 6000, 'measured: what design has left by its clock, and all of code');
  fold(run, ev(4, 'agent_completed', { agentRole: 'design', outputs: { text: 'ok' }, duration: 1200, qualityScore: 0.9 }));
  fold(run, ev(5, 'approval_required', { approvalId: 'a1', title: 'Design review', expiresAt: at(60) }));
  assert.equal(run.status, 'waiting_approval');
  assert.equal(eta(run), null, 'no clock runs at a gate');
  fold(run, ev(6, 'cancelled', { success: true }));
  assert.equal(live(run), false);
  assert.equal(run.approvals.a1.status, 'cancelled', 'a cancelled run offers no decision');
});

test('formatting', () => {
  assert.equal(initials('Ada Lovelace'), 'AL');
  assert.equal(initials('qa'), 'QA');
  assert.equal(countdown(at(10), Date.parse(at(5)) + 1000), '4:59');
  assert.equal(countdown(at(1), Date.parse(at(5))), 'expired');
  assert.equal(bytes(1536), '1.5 KB');
  assert.equal(duration(61_000), '1 min 1 s');
  assert.equal(userIdFrom('Zoë O’Brien'), 'zoe-o-brien');
  assert.equal(userIdFrom('__x'), 'x');
  assert.equal(dayLabel(at(0), new Date(Date.parse(at(0)) + 86_400_000)), 'Yesterday');
});

test('a command or name typed out in full is sent by Enter, a partial one is completed', () => {
  const cmds = [{ command: 'status', usage: '/status' }, { command: 'stop', usage: '/stop <id>' }];
  const full = tokenAt('/status', 7);
  assert.equal(alreadyTyped('/status', full, suggest(full, { commands: cmds })[0]), true);
  const part = tokenAt('/sta', 4);
  assert.equal(alreadyTyped('/sta', part, suggest(part, { commands: cmds })[0]), false);
  const name = tokenAt('hi @code', 8);
  assert.equal(alreadyTyped('hi @code', name, suggest(name, { agents: ['code', 'coder'] })[0]), true);
});

test('a channel with write roles says who may post, to those who may not', () => {
  assert.equal(whyReadOnly({ name: 'general', writeRoles: null }, []), null);
  assert.equal(whyReadOnly({ name: 'news', writeRoles: ['admin'] }, ['admin']), null);
  assert.match(whyReadOnly({ name: 'news', writeRoles: ['admin', 'approver'] }, ['user']), /^Only admins and approvers can post in #news\./);
});

test('every icon the UI names exists, and no control relies on an emoji font', () => {
  const root = new URL('../', import.meta.url);
  const files = ['index.html', ...readdirSync(new URL('app/ui/', root)).map((f) => 'app/ui/' + f), ...readdirSync(new URL('app/core/', root)).map((f) => 'app/core/' + f), 'app/main.js'];
  const named = new Set();
  for (const f of files) {
    const src = readFileSync(new URL(f, root), 'utf8');
    for (const m of src.matchAll(/\bicon\('([a-z0-9-]+)'|data-icon="([a-z0-9-]+)"|icon\([^)]*\? '([a-z0-9-]+)' : '([a-z0-9-]+)'\)/g)) {
      m.slice(1).filter(Boolean).forEach((n) => named.add(n));
    }
    if (f.endsWith('emoji.js') || f.endsWith('icon-data.js')) continue; // the reaction picker is emoji by nature
    // Pictographs (emoji presentation) in strings of the UI's code would be boxes without an emoji font.
    const pictographs = src.split('\n').filter((l) => !l.trim().startsWith('//') && /\p{Extended_Pictographic}/u.test(l.replace(/[©®™↔-⇿←-↙]/gu, '')));
    assert.deepEqual(pictographs, [], `${f} draws with emoji`);
  }
  assert.ok(named.size >= 15, [...named].join());
  for (const n of named) assert.ok(ICONS[n], `icon ${n} is missing from icon-data.js`);
});

test('direct messages are titled by who is in them and listed apart from channels', () => {
  const names = { bob: 'Bob Smith' };
  const nameOf = (id) => names[id] || id;
  const list = [{ name: 'general', type: 'channel' }, { name: 'dm-2', type: 'dm', with: '@code' },
    { name: 'secret', type: 'channel', private: true }, { name: 'dm-1', type: 'dm', with: 'bob' }];
  assert.equal(channelTitle(list[1], nameOf), 'code');
  assert.equal(channelTitle(list[3], nameOf), 'Bob Smith');
  assert.equal(channelTitle(list[0], nameOf), 'general');
  const g = grouped(list, nameOf);
  assert.deepEqual(g.channels.map((c) => c.name), ['general', 'secret']);
  assert.deepEqual(g.dms.map((c) => c.name), ['dm-1', 'dm-2']);
  // Renamed channels sort by their title; archived ones go last, and say why they take no message.
  const more = grouped([{ name: 'zeta', type: 'channel', title: 'Alpha team' }, { name: 'beta', type: 'channel' },
    { name: 'old', type: 'channel', archived: true }]);
  assert.deepEqual(more.channels.map((c) => c.name), ['zeta', 'beta']);
  assert.deepEqual(more.archived.map((c) => c.name), ['old']);
  assert.match(whyReadOnly({ name: 'old', archived: true }, ['admin']), /^#old is archived/);
});

test('mentions, DMs and gates waiting for me are noticed; my own, muted and watched ones are not', () => {
  const channels = [{ name: 'general', type: 'channel' }, { name: 'dm-1', type: 'dm', with: 'bob' }];
  const ctx = { me: 'ada', channels, muted: new Set(), looking: 'random', nameOf: (id) => (id === 'bob' ? 'Bob' : id) };
  const msg = (o) => ({ type: 'message', messageId: 'm', channel: 'general', authorId: 'bob', authorType: 'user', content: 'hi', mentions: [], ...o });
  assert.equal(noticeFor(msg({}), ctx), null, 'a plain message');
  assert.deepEqual(noticeFor(msg({ mentions: ['ada'] }), ctx), { title: 'Bob in #general', body: 'hi', link: '#/c/general', tag: 'msg-m' });
  assert.equal(noticeFor(msg({ channel: 'dm-1' }), ctx).title, 'Bob', 'a DM needs no mention');
  assert.equal(noticeFor(msg({ mentions: ['ada'], authorId: 'ada' }), ctx), null, 'my own');
  assert.equal(noticeFor(msg({ mentions: ['ada'] }), { ...ctx, muted: new Set(['general']) }), null, 'muted');
  assert.equal(noticeFor(msg({ mentions: ['ada'] }), { ...ctx, looking: 'general' }), null, 'being read');
  assert.equal(noticeFor({ type: 'approval_required', approvalId: 'a1', title: 'Ship it?' }, ctx).link, '#/approval/a1');
  assert.equal(noticeFor({ type: 'approvals_changed', approvalId: 'a1', status: 'pending' }, ctx), null, 'not an approver');
  assert.equal(noticeFor({ type: 'approvals_changed', approvalId: 'a1', status: 'pending' }, { ...ctx, approver: true }).tag, 'gate-a1');
  assert.equal(titled('#general · agentbus', 3), '(3) #general · agentbus');
  assert.equal(titled('#general · agentbus', 0), '#general · agentbus');
});
