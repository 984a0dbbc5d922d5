// What other modules may use of brands: `app.brands` (visibility checks for ids in bodies,
// batched reads for GraphQL edges, hooks on brand changes), the reply shape and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { BrandSchema } from './brands.schemas.js'
import type { BrandsService } from './brands.service.js'

export type { BrandsService, BrandHooks } from './brands.service.js'
export type { BrandDto, UpdateBrandInput } from './brands.schemas.js'

export const BRAND_EVENTS = {
  'brand.created': 'A brand (a client of the agency) was created.',
  'brand.updated': 'A brand changed: its name, time zone, status or default approval policy.',
  'brand.deleted': 'A brand was deleted.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const BRAND_EVENT_DATA = {
  'brand.created': z.strictObject({ brand: BrandSchema }),
  'brand.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), brand: BrandSchema }),
  'brand.deleted': z.strictObject({ brand: BrandSchema })
} satisfies EventDataSchemas<typeof BRAND_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof BRAND_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    brands: BrandsService
  }
}
