// What other modules may use of organizations: `app.organizations`, its reply shape, its events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { OrganizationSettingsSchema } from './organizations.schemas.js'
import type { OrganizationsService } from './organizations.service.js'

export type { OrganizationsService } from './organizations.service.js'
export type { OrganizationSettingsDto } from './organizations.schemas.js'

export const ORGANIZATION_EVENTS = {
  'organization.created': 'An organization (agency) signed up; its first member is its owner.',
  'organization.updated': "The organization's settings (name, default time zone) changed."
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const ORGANIZATION_EVENT_DATA = {
  'organization.created': z.strictObject({ organization: OrganizationSettingsSchema.pick({ id: true, name: true, slug: true }) }),
  'organization.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), organization: OrganizationSettingsSchema })
} satisfies EventDataSchemas<typeof ORGANIZATION_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof ORGANIZATION_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    organizations: OrganizationsService
  }
}
