import { z } from 'zod'
import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import type { BrandsService } from '../brands/public.js'
import { together } from '../../lib/together.js'
import { toContentItemDto } from './content-state.js'
import type { ContentItemsRepository } from './content-items.repository.js'
import { ContentItemSchema, ContentStatus, Platform, type ContentItemDto } from './content-items.schemas.js'
import { addDays, daysBetween, isValidLocalDateTime, localDate, startOfLocalDay } from './content-scheduling.js'

// The calendar: a brand's items by local day of the brand's time zone. Days are computed by
// the zone's rules (a DST day has 23 or 25 hours; a day may even start at 01:00), never as
// 24-hour slices of UTC.

export const MAX_CALENDAR_DAYS = 92
export const MAX_CALENDAR_ITEMS = 2000

const day = z.string().max(10).regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((d) => isValidLocalDateTime(`${d}T00:00`), 'is not a real date')

export const CalendarQuery = z.strictObject({
  brandId: z.uuid(),
  from: day,
  to: day,
  campaignId: z.uuid().optional(),
  platform: Platform.optional(),
  status: ContentStatus.optional(),
  assigneeId: z.uuid().optional(),
  label: z.string().trim().min(1).max(100).optional()
}).superRefine((q, ctx) => {
  if (!isValidLocalDateTime(`${q.from}T00:00`) || !isValidLocalDateTime(`${q.to}T00:00`)) return
  const span = daysBetween(q.from, q.to)
  if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' })
  else if (span + 1 > MAX_CALENDAR_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range covers ${span + 1} days; at most ${MAX_CALENDAR_DAYS}` })
})
export type CalendarQuery = z.infer<typeof CalendarQuery>

export const CalendarSchema = z.object({
  brandId: z.uuid(),
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  days: z.array(z.object({ date: z.string(), items: z.array(ContentItemSchema) }))
})
export interface CalendarDto { brandId: string, timeZone: string, from: string, to: string, days: Array<{ date: string, items: ContentItemDto[] }> }

// Every zone's local midnight lies within these of UTC midnight (offsets run from -12:00 to
// +14:00; an hour more either way for the odd historical offset).
const EARLIEST_OFFSET_MS = 15 * 3_600_000
const LATEST_OFFSET_MS = 13 * 3_600_000

export function createContentCalendar (deps: { items: Pick<ContentItemsRepository, 'between'>, brands: Pick<BrandsService, 'visible'>, maxItems?: number }) {
  const { items, brands } = deps
  const maxItems = deps.maxItems ?? MAX_CALENDAR_ITEMS

  return {
    /**
     * One round trip: the brand (its check and its time zone) and its items are read together,
     * the items over the range widened to every zone's days, then cut to the brand's local days
     * here. Only when that wide read came back full short of the range's end (more than
     * maxItems + 1 items in the widened range) are the exact bounds read again.
     */
    async calendar (ctx: Ctx, q: CalendarQuery): Promise<CalendarDto> {
      authorize(ctx.actor, 'content:read')
      const wideStart = new Date(Date.parse(`${q.from}T00:00:00Z`) - EARLIEST_OFFSET_MS)
      const wideEnd = new Date(Date.parse(`${addDays(q.to, 1)}T00:00:00Z`) + LATEST_OFFSET_MS)
      const [brand, wide] = await together(brands.visible(ctx, q.brandId), items.between(ctx.actor.orgId, q.brandId, wideStart, wideEnd, q, maxItems + 1, ctx.db))
      const tz = brand.timeZone
      const start = startOfLocalDay(q.from, tz)
      const end = startOfLocalDay(addDays(q.to, 1), tz)
      const last = wide.at(-1)
      const complete = wide.length <= maxItems || (last !== undefined && last.scheduledAt! >= end)
      const rows = (complete ? wide : await items.between(ctx.actor.orgId, brand.id, start, end, q, maxItems + 1, ctx.db))
        .filter((r) => r.scheduledAt! >= start && r.scheduledAt! < end)
      if (rows.length > maxItems) {
        throw new AppError('HERALD_UNPROCESSABLE', `The range holds more than ${maxItems} items; ask for fewer days or add filters.`, { errors: [{ path: 'to', message: `more than ${maxItems} items in the range` }] })
      }
      const byDay = new Map<string, ContentItemDto[]>()
      for (const item of rows.map((r) => toContentItemDto(r, r.targets))) {
        const date = localDate(new Date(item.scheduledAt!), tz)
        byDay.set(date, [...(byDay.get(date) ?? []), item])
      }
      const days = Array.from({ length: daysBetween(q.from, q.to) + 1 }, (_, i) => addDays(q.from, i))
      return { brandId: brand.id, timeZone: tz, from: q.from, to: q.to, days: days.map((date) => ({ date, items: byDay.get(date) ?? [] })) }
    }
  }
}
export type ContentCalendar = ReturnType<typeof createContentCalendar>
