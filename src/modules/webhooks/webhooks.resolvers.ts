import type { IResolvers } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import { CreateWebhookBody, RotateSecretBody, UpdateWebhookBody, WebhookListQuery, type EventTypeDto } from './webhooks.schemas.js'
import type { WebhooksService } from './webhooks.service.js'

const Id = z.uuid()

// The same service methods as REST. Test sends and redeliveries are REST-only: they are sent
// after their request commits, which a GraphQL mutation has no place for.
export function webhooksResolvers (service: WebhooksService): IResolvers {
  return {
    Query: {
      webhook: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      webhooks: async (_root, args, { ctx }, info) => await resolveConnection(WebhookListQuery, args, async (q) => await service.list(ctx, q), info),
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
        await service.rotateSecret(ctx, parseArgs(Id, args.id), parseArgs(RotateSecretBody, args.overlapHours == null ? {} : { overlapHours: args.overlapHours }), args.expectedVersion ?? undefined)
    }
  }
}
