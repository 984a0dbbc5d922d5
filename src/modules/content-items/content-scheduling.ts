import { Temporal } from 'temporal-polyfill'

// Two ways to say when: an instant (`scheduledAt`) or a wall time in a zone (`scheduledLocal` +
// `timeZone`). Both are stored, with `basis` naming the one the client sent: that one is the
// truth and the other is derived, so "09:00 in Paris" stays 09:00 in Paris even when the
// instant it maps to moves (a tzdata change, a DST rule change) and is recomputed from it.

export type ScheduleBasis = 'instant' | 'local'

export interface Schedule {
  scheduledAt: Date
  /** Normalised to YYYY-MM-DDTHH:mm:ss. */
  scheduledLocal: string
  timeZone: string
  basis: ScheduleBasis
}

export interface ScheduleInput {
  scheduledAt?: string | null
  scheduledLocal?: string | null
  timeZone?: string
}

export class ScheduleError extends Error {
  constructor (readonly path: string, message: string, readonly code: 'HERALD_VALIDATION' | 'HERALD_UNPROCESSABLE') { super(message) }
}

export function isValidLocalDateTime (value: string): boolean {
  try {
    Temporal.PlainDateTime.from(value, { overflow: 'reject' })
    return true
  } catch {
    return false
  }
}

const LOCAL = { smallestUnit: 'second' } as const

/**
 * The instant of a wall time in a zone. In a DST gap (02:30 on the spring-forward night in
 * Paris) the time does not exist: refused, because silently moving a post by an hour is worse
 * than asking. In a fall-back overlap (02:30 happens twice) the earlier instant is taken, the
 * first time the clock on the wall shows it.
 */
export function localToInstant (local: string, timeZone: string): Date {
  const wall = Temporal.PlainDateTime.from(local)
  const zoned = wall.toZonedDateTime(timeZone, { disambiguation: 'earlier' })
  // 'earlier' moves a time inside a gap to before it; a changed wall time means there was a gap.
  if (!zoned.toPlainDateTime().equals(wall)) {
    throw new ScheduleError('scheduledLocal', `${wall.toString(LOCAL)} does not exist in ${timeZone} (the clocks skip it for daylight saving time); choose another time.`, 'HERALD_UNPROCESSABLE')
  }
  return new Date(zoned.epochMilliseconds)
}

export function instantToLocal (at: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDateTime().toString(LOCAL)
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate (at: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString()
}

/** The first instant of a local day (not always 00:00: some zones skip midnight for DST). */
export function startOfLocalDay (date: string, timeZone: string): Date {
  return new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds)
}

export function addDays (date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString()
}

export function daysBetween (from: string, to: string): number {
  return Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days
}

export const fromInstant = (at: Date, timeZone: string): Schedule =>
  ({ scheduledAt: at, scheduledLocal: instantToLocal(at, timeZone), timeZone, basis: 'instant' })

export function fromLocal (local: string, timeZone: string): Schedule {
  const normalised = Temporal.PlainDateTime.from(local).toString(LOCAL)
  return { scheduledAt: localToInstant(normalised, timeZone), scheduledLocal: normalised, timeZone, basis: 'local' }
}

/**
 * The schedule after an input: undefined when the input does not touch it, null when it clears
 * it. The zone defaults to the item's current one, then the brand's. Throws ScheduleError.
 */
export function resolveSchedule (input: ScheduleInput, current: Schedule | null, brandTimeZone: string): Schedule | null | undefined {
  const zone = input.timeZone ?? current?.timeZone ?? brandTimeZone
  if (input.scheduledAt === null || input.scheduledLocal === null) return null
  if (typeof input.scheduledAt === 'string') return fromInstant(new Date(input.scheduledAt), zone)
  if (typeof input.scheduledLocal === 'string') return fromLocal(input.scheduledLocal, zone)
  if (input.timeZone === undefined) return undefined
  // Only the zone changes: keep whichever form is the truth and derive the other anew.
  if (!current) throw new ScheduleError('timeZone', 'timeZone needs a time: send scheduledAt or scheduledLocal with it.', 'HERALD_VALIDATION')
  return current.basis === 'local' ? fromLocal(current.scheduledLocal, zone) : fromInstant(current.scheduledAt, zone)
}

export function sameSchedule (a: Schedule | null, b: Schedule | null): boolean {
  if (!a || !b) return a === b
  return a.scheduledAt.getTime() === b.scheduledAt.getTime() && a.scheduledLocal === b.scheduledLocal && a.timeZone === b.timeZone && a.basis === b.basis
}
