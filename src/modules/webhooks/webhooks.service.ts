import { randomBytes, randomUUID } from 'node:crypto'
import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import type { BrandsService } from '../brands/public.js'
import type { EventsService, RecordEvent } from '../events/public.js'
import { dataSchemaOf, exampleOf } from './webhook-envelope.js'
import { checkTarget, TargetRefused, type SendPolicy } from './webhook-sender.js'
import type { Jobs } from '../../plugins/jobs.js'
import { DELIVER_JOB, deliverJobKey, type WebhookRow, type WebhooksRepository } from './webhooks.repository.js'
import { createDeliveryRunner } from './webhook-delivery.js'
import { toAttemptDto, toDeliveryDto, toWebhookDto, webhookSubject } from './webhooks.dto.js'
import type {
  AttemptListQuery, CreatedWebhookDto, CreateWebhookInput, DeliveryDto, DeliveryListQuery, EventTypeDto,
  RotateSecretInput, UpdateWebhookInput, WebhookDto, WebhookListQuery
} from './webhooks.schemas.js'

export interface WebhooksDeps {
  repo: WebhooksRepository
  brands: Pick<BrandsService, 'assertBrand'>
  events: Pick<EventsService, 'types'>
  record: RecordEvent
  policy: SendPolicy
  /** Hours the previous secret keeps signing after a rotation, unless the request says. */
  secretOverlapHours: number
  /** The job queue: deliveries are sent by the webhooks.deliver job. */
  jobs: Pick<Jobs, 'add'>
  /** Runs work in a tenant transaction as the system actor (background work). */
  inTenant: <T>(orgId: string, label: string, fn: (ctx: Ctx) => Promise<T>) => Promise<T>
}

/** 24–64 random bytes, base64, `whsec_` prefix (Standard Webhooks). */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

/** Does a subscription's list of types (exact or `family.*`) take this event type? */
export function typeMatches (filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))))
}

// Webhooks need webhooks:manage (owners, admins, and API keys granted it). A brand-limited
// credential manages only subscriptions of its brands, and such a subscription never receives
// an event outside the brands the credential had when it subscribed.
export function createWebhooksService (deps: WebhooksDeps) {
  const { repo, brands, record, policy } = deps
  /** The event catalogue, built once (every module declared its types before the app is ready). */
  let catalogue: EventTypeDto[] | undefined

  async function visible (ctx: Ctx, id: string): Promise<WebhookRow> {
    const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
    if (!row || (ctx.actor.brandIds && !(row.brandId && canSeeBrand(ctx.actor, row.brandId)))) throw notFound('Webhook')
    return row
  }

  async function checkUrl (raw: string): Promise<string> {
    try {
      return (await checkTarget(raw, policy)).toString()
    } catch (err) {
      if (!(err instanceof TargetRefused)) throw err
      throw new AppError('HERALD_VALIDATION', `The webhook URL ${err.message}.`, { errors: [{ path: 'url', message: err.message }], extra: { reason: err.errorClass } })
    }
  }

  /** Every entry names a declared event type, or a family (`content_item.*`) that has one. */
  function checkTypes (eventTypes: readonly string[]): void {
    const known = deps.events.types().map((t) => t.type as string)
    const errors = eventTypes.flatMap((f, i) => known.some((k) => typeMatches([f], k))
      ? []
      : [{ path: `eventTypes/${i}`, message: `no event type ${f.endsWith('.*') ? 'in the family ' : ''}${f} (see GET /v1/event-types)` }])
    if (errors.length) throw new AppError('HERALD_VALIDATION', `Unknown event type: ${errors.map((e) => eventTypes[Number(e.path.split('/')[1])]).join(', ')}.`, { errors })
  }

  /** The brand filter: one the caller may see; a brand-limited caller must name one of its brands. */
  async function checkBrand (ctx: Ctx, brandId: string | null | undefined): Promise<string | null> {
    if (brandId) {
      await brands.assertBrand(ctx, brandId)
      return brandId
    }
    if (!ctx.actor.brandIds) return null
    if (ctx.actor.brandIds.length === 1) return ctx.actor.brandIds[0]
    throw new AppError('HERALD_VALIDATION', 'A brand-limited credential must name the brand (brandId) whose events it subscribes to.', { errors: [{ path: 'brandId', message: 'required for a brand-limited credential' }] })
  }

  return {
    attempt: createDeliveryRunner({ repo, record, policy, jobs: deps.jobs, inTenant: deps.inTenant }),

    /** The event catalogue: every declared type, what it means, the schema of its data, an example. */
    eventTypes (): EventTypeDto[] {
      catalogue ??= deps.events.types().map(({ type, description, data }) => {
        const dataSchema = dataSchemaOf(type, data)
        return { type, description, dataSchema, example: exampleOf(type, dataSchema) as unknown as Record<string, unknown> }
      })
      return catalogue
    },

    async list (ctx: Ctx, q: WebhookListQuery) {
      authorize(ctx.actor, 'webhooks:manage')
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toWebhookDto) }
    },

    async get (ctx: Ctx, id: string): Promise<WebhookDto> {
      authorize(ctx.actor, 'webhooks:manage')
      return toWebhookDto(await visible(ctx, id))
    },

    async create (ctx: Ctx, input: CreateWebhookInput): Promise<CreatedWebhookDto> {
      authorize(ctx.actor, 'webhooks:manage')
      checkTypes(input.eventTypes)
      const brandId = await checkBrand(ctx, input.brandId)
      const url = await checkUrl(input.url)
      const secret = newSecret()
      const row = await repo.insert(ctx.actor.orgId, {
        url,
        eventTypes: input.eventTypes,
        brandId,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        secret,
        creatorBrandIds: ctx.actor.brandIds ? [...ctx.actor.brandIds] : null
      }, ctx.db)
      const dto = toWebhookDto(row)
      await record(ctx, { type: 'webhook.created', ...webhookSubject(row), data: { webhook: dto } })
      return { ...dto, secret }
    },

    async update (ctx: Ctx, id: string, patch: UpdateWebhookInput, expected?: number | '*'): Promise<WebhookDto> {
      authorize(ctx.actor, 'webhooks:manage')
      const row = await visible(ctx, id)
      checkVersion(expected, row.version)
      const values: Partial<WebhookRow> = {}
      if (patch.url !== undefined) values.url = await checkUrl(patch.url)
      if (patch.eventTypes !== undefined) { checkTypes(patch.eventTypes); values.eventTypes = patch.eventTypes }
      if (patch.brandId !== undefined) values.brandId = await checkBrand(ctx, patch.brandId)
      if (patch.description !== undefined) values.description = patch.description
      if (patch.enabled !== undefined) {
        values.enabled = patch.enabled
        // Enabled again by a person: Herald's reason no longer stands.
        if (patch.enabled) { values.disabledReason = null; values.disabledAt = null }
      }
      const updated = await repo.update(ctx.actor.orgId, id, row.version, values, ctx.db)
      if (!updated) throw preconditionFailed(row.version + 1)
      // Enabled again: what is still pending is sent again.
      if (!row.enabled && updated.enabled) await repo.resumePending(ctx.actor.orgId, id, ctx.db)
      const dto = toWebhookDto(updated)
      await record(ctx, { type: 'webhook.updated', ...webhookSubject(updated), data: { changed: Object.keys(values).filter((k) => k !== 'disabledReason' && k !== 'disabledAt'), webhook: dto } })
      return dto
    },

    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'webhooks:manage')
      const row = await visible(ctx, id)
      checkVersion(expected, row.version)
      if (!await repo.delete(ctx.actor.orgId, id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
      await record(ctx, { type: 'webhook.deleted', ...webhookSubject(row), data: { webhook: toWebhookDto(row) } })
    },

    /** A new secret, shown once; the previous one keeps signing for the overlap. */
    async rotateSecret (ctx: Ctx, id: string, input: RotateSecretInput, expected?: number | '*'): Promise<CreatedWebhookDto> {
      authorize(ctx.actor, 'webhooks:manage')
      const row = await visible(ctx, id)
      checkVersion(expected, row.version)
      const hours = input.overlapHours ?? deps.secretOverlapHours
      const secret = newSecret()
      const updated = await repo.update(ctx.actor.orgId, id, row.version, {
        secret,
        previousSecret: hours > 0 ? row.secret : null,
        previousSecretExpiresAt: hours > 0 ? new Date(Date.now() + hours * 3_600_000) : null
      }, ctx.db)
      if (!updated) throw preconditionFailed(row.version + 1)
      const dto = toWebhookDto(updated)
      await record(ctx, { type: 'webhook.secret_rotated', ...webhookSubject(updated), data: { webhook: dto, overlapHours: hours } })
      return { ...dto, secret }
    },

    /** Writes a webhook.test event owed to this subscription only, its delivery, and the job that sends it. */
    async test (ctx: Ctx, id: string): Promise<DeliveryDto> {
      authorize(ctx.actor, 'webhooks:manage')
      const row = await visible(ctx, id)
      if (!row.enabled) throw new AppError('HERALD_CONFLICT', 'This webhook is disabled; enable it (PATCH {"enabled": true}) before sending a test.')
      const eventId = randomUUID()
      const deliveryId = randomUUID()
      await record(ctx, { id: eventId, type: 'webhook.test', ...webhookSubject(row), data: { webhook: toWebhookDto(row), message: 'A test event sent on request.' } })
      await repo.insertDeliveryDeferred(ctx.actor.orgId, { id: deliveryId, subscriptionId: row.id, eventId, eventType: 'webhook.test' }, ctx.db)
      await deps.jobs.add(DELIVER_JOB, { orgId: ctx.actor.orgId, deliveryId }, { key: deliverJobKey(deliveryId) }, ctx.db)
      const now = iso(new Date())!
      return { id: deliveryId, webhookId: row.id, eventId, eventType: 'webhook.test', status: 'pending', attempts: 0, nextAttemptAt: now, lastAttemptAt: null, createdAt: now, lastAttempt: null }
    },

    async listDeliveries (ctx: Ctx, id: string, q: DeliveryListQuery) {
      authorize(ctx.actor, 'webhooks:manage')
      await visible(ctx, id)
      const page = await repo.listDeliveries(ctx.actor.orgId, id, q, ctx.db)
      const last = await repo.lastAttempts(ctx.actor.orgId, page.data.map((d) => d.id), ctx.db)
      return { ...page, data: page.data.map((d) => toDeliveryDto(d, last.get(d.id))) }
    },

    async getDelivery (ctx: Ctx, id: string, deliveryId: string): Promise<DeliveryDto> {
      authorize(ctx.actor, 'webhooks:manage')
      await visible(ctx, id)
      const d = await repo.findDelivery(ctx.actor.orgId, id, deliveryId, ctx.db)
      if (!d) throw notFound('Delivery')
      return toDeliveryDto(d, (await repo.lastAttempts(ctx.actor.orgId, [d.id], ctx.db)).get(d.id))
    },

    async listAttempts (ctx: Ctx, id: string, deliveryId: string, q: AttemptListQuery) {
      authorize(ctx.actor, 'webhooks:manage')
      await visible(ctx, id)
      if (!await repo.findDelivery(ctx.actor.orgId, id, deliveryId, ctx.db)) throw notFound('Delivery')
      const page = await repo.listAttempts(ctx.actor.orgId, deliveryId, q, ctx.db)
      return { ...page, data: page.data.map(toAttemptDto) }
    },

    /** Sends a delivery again by hand (same webhook-id and body), through the queue at once. */
    async redeliver (ctx: Ctx, id: string, deliveryId: string): Promise<DeliveryDto> {
      authorize(ctx.actor, 'webhooks:manage')
      const row = await visible(ctx, id)
      if (!row.enabled) throw new AppError('HERALD_CONFLICT', 'This webhook is disabled; enable it (PATCH {"enabled": true}) before redelivering.')
      if (!await repo.findDelivery(ctx.actor.orgId, id, deliveryId, ctx.db)) throw notFound('Delivery')
      const d = (await repo.markPending(ctx.actor.orgId, deliveryId, ctx.db))!
      await deps.jobs.add(DELIVER_JOB, { orgId: ctx.actor.orgId, deliveryId }, { key: deliverJobKey(deliveryId) }, ctx.db)
      return toDeliveryDto(d, (await repo.lastAttempts(ctx.actor.orgId, [d.id], ctx.db)).get(d.id))
    }
  }
}
export type WebhooksService = ReturnType<typeof createWebhooksService>
