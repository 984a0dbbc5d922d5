import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { useZod } from '../../lib/http.js'
import { CalendarQuery, CalendarSchema, type ContentCalendar } from './content-calendar.js'

export const contentCalendarRoutes: FastifyPluginAsyncZod<{ calendar: ContentCalendar }> = async (app, { calendar }) => {
  useZod(app)
  app.get('/v1/calendar', {
    config: { auth: 'actor' },
    schema: { querystring: CalendarQuery, response: { 200: CalendarSchema } }
  }, async (req) => await calendar.calendar(req.ctx(), req.query))
}
