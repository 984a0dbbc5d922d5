import { z } from 'zod'

/** An IANA zone name that this runtime's tz database knows ("Europe/Paris", "UTC"). */
export function isIanaTimeZone (value: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) return false
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

export const timeZoneSchema = z.string().max(64).refine(isIanaTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' })
