import type { IResolvers } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import { CreateWebhookBody, DeliveryParams, RotateSecretBody, UpdateWebhookBody, WebhookListQuery, type EventTypeDto } from './webhooks.schemas.js'
import type { WebhooksService } from './webhooks.service.js'

const Id = z.uuid()

// The same service methods as REST. A test send or a redelivery queues its job in the
// mutation's transaction, as the REST route's does in the request's: the worker sends it once
// that commits, and nothing is sent if the operation fails.
export function webhooksResolvers (service: WebhooksService): IResolvers {
  return {
    Query: {
      webhook: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      // `enabled` is a Boolean here and the query string's 'true'/'false' in REST: one schema.
      webhooks: async (_root, args, { ctx }, info) => await resolveConnection(WebhookListQuery, { ...args, enabled: args.enabled == null ? undefined : String(args.enabled) }, async (q) => await service.list(ctx, q), info),
      eventTypes: async () => service.eventTypes().map((t: EventTypeDto) => ({ ...t, dataSchema: JSON.stringify(t.dataSchema), example: JSON.stringify(t.example) }))
    },
    Mutation: {
      createWebhook: async (_root, args, { ctx }) => await service.create(ctx, parseArgs(CreateWebhookBody, { ...args.input })),
      updateWebhook: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateWebhookBody, { ...args.input }), args.expectedVersion ?? undefined),
      deleteWebhook: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      },
      rotateWebhookSecret: async (_root, args, { ctx }) =>
        await service.rotateSecret(ctx, parseArgs(Id, args.id), parseArgs(RotateSecretBody, args.overlapHours == null ? {} : { overlapHours: args.overlapHours }), args.expectedVersion ?? undefined),
      testWebhook: async (_root, args, { ctx }) => await service.test(ctx, parseArgs(Id, args.id)),
      redeliverWebhookDelivery: async (_root, args, { ctx }) => {
        const { id, deliveryId } = parseArgs(DeliveryParams, { id: args.id, deliveryId: args.deliveryId })
        return await service.redeliver(ctx, id, deliveryId)
      }
    }
  }
}
