// When a failed delivery is tried again: the Standard Webhooks example schedule (after the
// immediate attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — about 3.3 days in
// all), each delay stretched by a random 0–25 % so that receivers coming back from an outage
// are not hit by every retry at once. After the last one the delivery has failed.

export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const

/**
 * The delay before the next attempt after `attempts` failed ones, or null when the schedule is
 * spent. A receiver's Retry-After (429/503) postpones it at least that long.
 */
export function nextDelaySeconds (attempts: number, retryAfterSeconds: number | null = null, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_SECONDS[attempts - 1]
  if (base === undefined) return null
  const jittered = base * (1 + 0.25 * random())
  return Math.max(jittered, retryAfterSeconds ?? 0)
}
