// What other modules may use of organizations: `app.organizations`, its reply shape, its events.
import type { OrganizationsService } from './organizations.service.js'

export type { OrganizationsService } from './organizations.service.js'
export type { OrganizationSettingsDto } from './organizations.schemas.js'

export const ORGANIZATION_EVENTS = {
  'organization.created': 'An organization (agency) signed up; its first member is its owner.',
  'organization.updated': "The organization's settings (name, default time zone) changed."
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof ORGANIZATION_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    organizations: OrganizationsService
  }
}
