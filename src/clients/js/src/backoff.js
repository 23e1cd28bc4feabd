// Reconnect delays: exponential with full jitter, capped (AWS "full jitter": each delay is
// uniform in [0, min(cap, base * 2^attempt)]), so a node restart does not bring every tab back
// in the same instant. A floor keeps a flapping server from being hammered.

export const BASE_MS = 500;
export const CAP_MS = 30_000;
export const FLOOR_MS = 250;

/** The delay before reconnect attempt `attempt` (0 = the first retry). `random` is injectable for tests. */
export function delay(attempt, random = Math.random, base = BASE_MS, cap = CAP_MS) {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.max(FLOOR_MS, Math.round(random() * ceiling));
}
