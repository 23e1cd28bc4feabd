// Formatting shared by every view: times, dates, sizes, durations, names. Pure functions.

const pad = (n) => String(n).padStart(2, '0');

/** "14:05" in the viewer's local time. */
export function time(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local calendar day of an instant, as a key ("2026-12-02"). */
export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Today", "Yesterday" or "Tue 1 Dec 2026" for a date divider. */
export function dayLabel(iso, now = new Date()) {
  const k = dayKey(iso);
  if (k === dayKey(now.toISOString())) return 'Today';
  const y = new Date(now); y.setDate(y.getDate() - 1);
  if (k === dayKey(y.toISOString())) return 'Yesterday';
  const d = new Date(iso);
  return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** "1.2 MB" */
export function bytes(n) {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024; let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "850 ms", "4.2 s", "3 min 5 s" */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000); const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** "4:59" left until `iso` (or "expired"), for an approval's countdown. */
export function countdown(iso, now = Date.now()) {
  const left = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (!Number.isFinite(left)) return '';
  if (left <= 0) return 'expired';
  const h = Math.floor(left / 3600); const m = Math.floor((left % 3600) / 60); const s = left % 60;
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Up to two initials of a display name ("Ada Lovelace" → "AL", "qa" → "QA"). */
export function initials(name) {
  const words = String(name || '?').trim().split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return '?';
  const chars = words.length === 1 ? [...words[0]].slice(0, 2) : [[...words[0]][0], [...words[words.length - 1]][0]];
  return chars.join('').toUpperCase();
}

/** A stable hue (0–359) per user id, so each person keeps their avatar colour everywhere. */
export function hue(id) {
  let h = 0;
  for (const ch of String(id)) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

/** A user id proposed from a display name ("Ada Lovelace" → "ada-lovelace"), valid for dev login. */
export function userIdFrom(name) {
  const id = String(name).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '').slice(0, 64);
  return id || 'user';
}
