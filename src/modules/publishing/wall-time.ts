import { Temporal } from 'temporal-polyfill'

// The wall-time rule at hand-over: an item scheduled by local time ("09:00 in Europe/Paris")
// is due at that local time by the zone rules in force now, which may differ from the ones
// used when it was scheduled (a government moves its DST dates, tzdata is updated). The
// instant stored then is recomputed here; an item scheduled by instant keeps its instant.

export function wallTimeInstant (item: { scheduleBasis: 'instant' | 'local' | null, scheduledLocal: string | null, scheduleTimeZone: string | null }): Date | null {
  if (item.scheduleBasis !== 'local' || !item.scheduledLocal || !item.scheduleTimeZone) return null
  try {
    // 'compatible': a time that no longer exists (now inside a DST gap) moves forward by the
    // gap, as a wall clock does; an ambiguous one takes the first occurrence.
    const zoned = Temporal.PlainDateTime.from(item.scheduledLocal).toZonedDateTime(item.scheduleTimeZone, { disambiguation: 'compatible' })
    return new Date(zoned.epochMilliseconds)
  } catch {
    return null
  }
}
