import { iso } from '../../lib/http.js'
import type { Platform } from '../../db/tables/social-accounts.js'
import type { ContentKind, MediaItem } from '../../db/tables/content-items.js'
import type { ContentItemRow, TargetRow } from './content-items.repository.js'
import type { ContentItemDto, MediaItemDto, MediaItemInput, TargetDto } from './content-items.schemas.js'
import type { Schedule } from './content-scheduling.js'

// The editable state of an item, the snapshot a revision stores, and the differences between
// two of them. Pure functions: the service decides what to do with them.

export interface TargetState {
  socialAccountId: string
  /** Known once the account has been looked up (always, for stored targets). */
  platform: Platform | null
  body: string | null
  media: MediaItem[] | null
  firstComment: string | null
}

export interface ItemState {
  campaignId: string | null
  title: string
  kind: ContentKind
  body: string
  media: MediaItem[]
  link: string | null
  hashtags: string[]
  firstComment: string | null
  labels: string[]
  assigneeId: string | null
  targets: TargetState[]
  schedule: Schedule | null
}

export const normaliseMedia = (list: ReadonlyArray<MediaItemInput | MediaItem>): MediaItemDto[] => list.map((m) => ({
  url: m.url, type: m.type, altText: m.altText ?? null, width: m.width ?? null, height: m.height ?? null, durationSeconds: m.durationSeconds ?? null
}))

export function scheduleOf (row: ContentItemRow): Schedule | null {
  if (!row.scheduledAt || !row.scheduleTimeZone || !row.scheduledLocal || !row.scheduleBasis) return null
  return { scheduledAt: row.scheduledAt, scheduledLocal: row.scheduledLocal, timeZone: row.scheduleTimeZone, basis: row.scheduleBasis }
}

export function stateOf (row: ContentItemRow, targets: readonly TargetRow[]): ItemState {
  return {
    campaignId: row.campaignId,
    title: row.title,
    kind: row.kind,
    body: row.body,
    media: row.media,
    link: row.link,
    hashtags: row.hashtags,
    firstComment: row.firstComment,
    labels: row.labels,
    assigneeId: row.assigneeId,
    targets: targets.map((t) => ({ socialAccountId: t.socialAccountId, platform: t.platform, body: t.body, media: t.media, firstComment: t.firstComment })),
    schedule: scheduleOf(row)
  }
}

/** Column values for a state (the schedule's four columns included). */
export function columnsOf (s: ItemState) {
  return {
    campaignId: s.campaignId,
    title: s.title,
    kind: s.kind,
    body: s.body,
    media: s.media,
    link: s.link,
    hashtags: s.hashtags,
    firstComment: s.firstComment,
    labels: s.labels,
    assigneeId: s.assigneeId,
    scheduledAt: s.schedule?.scheduledAt ?? null,
    scheduledLocal: s.schedule?.scheduledLocal ?? null,
    scheduleTimeZone: s.schedule?.timeZone ?? null,
    scheduleBasis: s.schedule?.basis ?? null
  }
}

export type Snapshot = ReturnType<typeof snapshotOf>

/** What a revision stores: every editable field, targets included, as JSON. */
export function snapshotOf (s: ItemState) {
  return {
    campaignId: s.campaignId,
    title: s.title,
    kind: s.kind,
    body: s.body,
    media: s.media,
    link: s.link,
    hashtags: s.hashtags,
    firstComment: s.firstComment,
    labels: s.labels,
    assigneeId: s.assigneeId,
    targets: s.targets.map((t) => ({ socialAccountId: t.socialAccountId, platform: t.platform, body: t.body, media: t.media, firstComment: t.firstComment })),
    scheduledAt: iso(s.schedule?.scheduledAt),
    scheduledLocal: s.schedule?.scheduledLocal ?? null,
    timeZone: s.schedule?.timeZone ?? null,
    scheduleBasis: s.schedule?.basis ?? null
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))

/** Names of the top-level fields that differ between two states. */
export function changedFields (before: ItemState, after: ItemState): string[] {
  const a = snapshotOf(before) as Record<string, unknown>
  const b = snapshotOf(after) as Record<string, unknown>
  return Object.keys(b).filter((k) => !same(a[k], b[k]))
}

/** The fields a new item sets (its revision 1 lists them as changed). */
export function fieldsSet (s: ItemState): string[] {
  return Object.entries(snapshotOf(s)).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)).map(([k]) => k)
}

export interface Change { path: string, before: unknown, after: unknown }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

// jsonb keeps keys in its own order (by length); replies and diffs use the order of the
// fields in the item, so a snapshot reads like the item it was taken from.
const FIELD_ORDER = [
  'campaignId', 'title', 'kind', 'body', 'media', 'link', 'hashtags', 'firstComment', 'labels', 'assigneeId', 'targets',
  'scheduledAt', 'scheduledLocal', 'timeZone', 'scheduleBasis',
  'socialAccountId', 'platform', 'url', 'type', 'altText', 'width', 'height', 'durationSeconds'
]
const rank = (k: string) => { const i = FIELD_ORDER.indexOf(k); return i < 0 ? FIELD_ORDER.length : i }
const orderedKeys = (keys: Iterable<string>) => [...keys].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y))

/** The same value with object keys in the item's field order. */
export function canonical<T> (value: T): T {
  if (Array.isArray(value)) return value.map(canonical) as T
  if (!isObject(value)) return value
  return Object.fromEntries(orderedKeys(Object.keys(value)).map((k) => [k, canonical(value[k])])) as T
}

/**
 * Field-level differences between two snapshots, with paths like `body`, `targets/0/body` or
 * `hashtags`: objects and lists of objects are walked, lists of words (hashtags, labels) are
 * compared whole, an entry present on one side only is reported whole (null on the other).
 */
export function diffSnapshots (from: Record<string, unknown>, to: Record<string, unknown>): Change[] {
  const out: Change[] = []
  const walk = (path: string, a: unknown, b: unknown) => {
    if (same(a, b)) return
    if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].some(isObject)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}/${i}`, a[i] ?? null, b[i] ?? null)
      return
    }
    if (isObject(a) && isObject(b)) {
      for (const k of orderedKeys(new Set([...Object.keys(a), ...Object.keys(b)]))) walk(path ? `${path}/${k}` : k, a[k] ?? null, b[k] ?? null)
      return
    }
    out.push({ path, before: canonical(a ?? null), after: canonical(b ?? null) })
  }
  walk('', from, to)
  return out
}

export const toTargetDto = (t: TargetRow): TargetDto => ({
  id: t.id, socialAccountId: t.socialAccountId, platform: t.platform, body: t.body, media: t.media && normaliseMedia(t.media), firstComment: t.firstComment
})

export function toContentItemDto (r: ContentItemRow, targets: readonly TargetRow[]): ContentItemDto {
  return {
    id: r.id,
    brandId: r.brandId,
    campaignId: r.campaignId,
    title: r.title,
    kind: r.kind,
    body: r.body,
    media: normaliseMedia(r.media),
    link: r.link,
    hashtags: r.hashtags,
    firstComment: r.firstComment,
    labels: r.labels,
    assigneeId: r.assigneeId,
    targets: targets.map(toTargetDto),
    status: r.status,
    revision: r.revision,
    scheduledAt: iso(r.scheduledAt),
    scheduledLocal: r.scheduledLocal,
    timeZone: r.scheduleTimeZone,
    scheduleBasis: r.scheduleBasis,
    createdBy: { type: r.createdByType, id: r.createdById },
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!
  }
}
