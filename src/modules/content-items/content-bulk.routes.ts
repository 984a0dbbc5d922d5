import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../lib/errors.js'
import { useZod } from '../../lib/http.js'
import { ContentItemSchema } from './content-items.schemas.js'
import type { ContentItemsService } from './content-items.service.js'
import { parseBulkCsv, parseBulkJson, withCsvLines } from './content-bulk.js'

export const contentBulkRoutes: FastifyPluginAsyncZod<{ service: ContentItemsService }> = async (app, { service }) => {
  useZod(app)
  // CSV is accepted here only: the parser is registered in this plugin's scope, so every
  // other route still answers 415 to anything but JSON.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  app.post('/v1/content-items/bulk', {
    // CSV arrives as raw text: parseBulkCsv refuses bad text itself, naming line and column.
    config: { auth: 'actor', ownTextCheck: true },
    // The body is checked in the handler: JSON and CSV go through the same item schema.
    schema: { response: { 201: z.object({ data: z.array(ContentItemSchema) }) } }
  }, async (req, reply) => {
    const ctx = req.ctx()
    if (typeof req.body === 'string') {
      const { items, lines } = parseBulkCsv(req.body)
      try {
        return reply.code(201).send({ data: await service.bulkCreate(ctx, items) })
      } catch (err) {
        throw err instanceof AppError ? withCsvLines(err, lines) : err
      }
    }
    return reply.code(201).send({ data: await service.bulkCreate(ctx, parseBulkJson(req.body)) })
  })
}
