// What other modules may use of the timeline: `app.timeline` (a guest's view of its review's
// history) and the entry shape.
import type { TimelineService } from './timeline.service.js'

export type { TimelineService } from './timeline.service.js'
export type { TimelineEntryDto } from './timeline.schemas.js'
export { TimelineEntrySchema } from './timeline.schemas.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** An item's revisions, status changes, decisions and comments in time order. */
    timeline: TimelineService
  }
}
