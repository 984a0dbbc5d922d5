import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { ActivateBody, CreatePlaybookBody, PlaybookListQuery, PlaybookSchema, PlaybookVersionSchema, UpdatePlaybookBody, VersionParams } from './playbooks.schemas.js'
import {
  ActivatedIncidentSchema, EntrySchema, ExportQuery, ExportSchema, ReportQuery, ReportSchema, IncidentListQuery, IncidentSchema, NoteBody, PauseBody, PauseSchema,
  ResolveBody, ResumeBody, StatementBody, StepParams, TimelineQuery, UpdateIncidentBody
} from './incidents.schemas.js'
import { ContentItemSchema } from '../content-items/public.js'
import type { CrisisFacade } from './public.js'
import { exportMarkdown, toCsv } from './reports.service.js'

// REST: parse, call one service method, shape the reply.

/** Actions without input take no body (or an empty object). */
const EmptyBody = z.strictObject({}).nullish()

export const crisisRoutes: FastifyPluginAsyncZod<{ crisis: CrisisFacade }> = async (app, { crisis }) => {
  const { playbooks, incidents, pauses, statements, reports } = crisis
  useZod(app)

  // ---- playbooks ----
  app.get('/v1/crisis-playbooks', {
    config: { auth: 'actor' },
    schema: { querystring: PlaybookListQuery, response: { 200: pageOf(PlaybookSchema) } }
  }, async (req) => await playbooks.list(req.ctx(), req.query))

  app.post('/v1/crisis-playbooks', {
    config: { auth: 'actor' },
    schema: { body: CreatePlaybookBody, response: { 201: PlaybookSchema } }
  }, async (req, reply) => {
    const playbook = await playbooks.create(req.ctx(), req.body)
    withEtag(req, reply, playbook.version)
    reply.header('location', `/v1/crisis-playbooks/${playbook.id}`)
    return reply.code(201).send(playbook)
  })

  app.get('/v1/crisis-playbooks/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: PlaybookSchema } }
  }, async (req, reply) => {
    const playbook = await playbooks.get(req.ctx(), req.params.id)
    return withEtag(req, reply, playbook.version) ? notModified(reply) : playbook
  })

  app.patch('/v1/crisis-playbooks/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdatePlaybookBody, response: { 200: PlaybookSchema } }
  }, async (req, reply) => {
    const playbook = await playbooks.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, playbook.version)
    return playbook
  })

  app.delete('/v1/crisis-playbooks/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await playbooks.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })

  app.get('/v1/crisis-playbooks/:id/versions', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: z.object({ data: z.array(PlaybookVersionSchema) }) } }
  }, async (req) => ({ data: await playbooks.versions(req.ctx(), req.params.id) }))

  app.get('/v1/crisis-playbooks/:id/versions/:version', {
    config: { auth: 'actor' },
    schema: { params: VersionParams, response: { 200: PlaybookVersionSchema } }
  }, async (req) => await playbooks.version(req.ctx(), req.params.id, req.params.version))

  app.post('/v1/crisis-playbooks/:id/review', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: EmptyBody, response: { 200: PlaybookSchema } }
  }, async (req, reply) => {
    const playbook = await playbooks.review(req.ctx(), req.params.id)
    withEtag(req, reply, playbook.version)
    return playbook
  })

  app.post('/v1/crisis-playbooks/:id/activate', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: ActivateBody, response: { 200: ActivatedIncidentSchema, 201: ActivatedIncidentSchema } }
  }, async (req, reply) => {
    const incident = await incidents.activate(req.ctx(), req.params.id, req.body)
    withEtag(req, reply, incident.version)
    reply.header('location', `/v1/incidents/${incident.id}`)
    return reply.code(incident.opened ? 201 : 200).send(incident)
  })

  // ---- incidents ----
  app.get('/v1/incidents', {
    config: { auth: 'actor' },
    schema: { querystring: IncidentListQuery, response: { 200: pageOf(IncidentSchema) } }
  }, async (req) => await incidents.list(req.ctx(), req.query))

  app.get('/v1/incidents/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: IncidentSchema } }
  }, async (req, reply) => {
    const incident = await incidents.get(req.ctx(), req.params.id)
    return withEtag(req, reply, incident.version) ? notModified(reply) : incident
  })

  app.patch('/v1/incidents/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateIncidentBody, response: { 200: IncidentSchema } }
  }, async (req, reply) => {
    const incident = await incidents.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, incident.version)
    return incident
  })

  app.post('/v1/incidents/:id/acknowledge', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: EmptyBody, response: { 200: IncidentSchema } }
  }, async (req, reply) => {
    const incident = await incidents.acknowledge(req.ctx(), req.params.id)
    withEtag(req, reply, incident.version)
    return incident
  })

  app.post('/v1/incidents/:id/steps/:stepId/complete', {
    config: { auth: 'actor' },
    schema: { params: StepParams, body: EmptyBody, response: { 200: IncidentSchema } }
  }, async (req, reply) => {
    const incident = await incidents.completeStep(req.ctx(), req.params.id, req.params.stepId)
    withEtag(req, reply, incident.version)
    return incident
  })

  app.get('/v1/incidents/:id/timeline', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: TimelineQuery, response: { 200: pageOf(EntrySchema) } }
  }, async (req) => await incidents.timeline(req.ctx(), req.params.id, req.query))

  app.post('/v1/incidents/:id/notes', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: NoteBody, response: { 201: EntrySchema } }
  }, async (req, reply) => reply.code(201).send(await incidents.addNote(req.ctx(), req.params.id, req.body.body)))

  app.post('/v1/incidents/:id/resolve', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: ResolveBody, response: { 200: IncidentSchema } }
  }, async (req, reply) => {
    const incident = await incidents.resolve(req.ctx(), req.params.id, req.body.summary)
    withEtag(req, reply, incident.version)
    return incident
  })

  app.post('/v1/incidents/:id/statements', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: StatementBody, response: { 201: ContentItemSchema } }
  }, async (req, reply) => {
    const item = await statements.create(req.ctx(), req.params.id, req.body)
    reply.header('location', `/v1/content-items/${item.id}`)
    return reply.code(201).send(item)
  })

  app.get('/v1/incidents/:id/export', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: ExportQuery, response: { 200: ExportSchema } }
  }, async (req, reply) => {
    const x = await reports.export(req.ctx(), req.params.id)
    if (req.query.format === 'markdown') return reply.type('text/markdown; charset=utf-8').serializer((v: unknown) => v as string).send(exportMarkdown(x) as never)
    return x
  })

  app.get('/v1/reports/incidents', {
    config: { auth: 'actor' },
    schema: { querystring: ReportQuery, response: { 200: ReportSchema } }
  }, async (req, reply) => {
    const report = await reports.report(req.ctx(), req.query)
    if (req.query.format !== 'csv') return report
    const csv = req.query.groupBy === 'brandMonth'
      ? toCsv(report.byBrandMonth, ['brandId', 'month', 'incidents', 'meanTimeToAcknowledgeSeconds', 'meanTimeToResolveSeconds', 'stepsBreached', 'itemsHeld'])
      : toCsv(report.incidents, ['incidentId', 'brandId', 'playbookId', 'severity', 'status', 'openedAt', 'timeToAcknowledgeSeconds', 'timeToResolveSeconds', 'stepsBreached', 'itemsHeld'])
    return reply.type('text/csv; charset=utf-8').serializer((v: unknown) => v as string).send(csv as never)
  })

  // ---- brand pauses ----
  app.get('/v1/brands/:id/pause', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: z.object({ pause: PauseSchema.nullable() }) } }
  }, async (req) => ({ pause: await pauses.get(req.ctx(), req.params.id) }))

  app.post('/v1/brands/:id/pause', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: PauseBody, response: { 200: PauseSchema, 201: PauseSchema } }
  }, async (req, reply) => {
    const pause = await pauses.pause(req.ctx(), req.params.id, req.body)
    return reply.code(pause.dryRun ? 200 : 201).send(pause)
  })

  app.post('/v1/brands/:id/resume', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: ResumeBody.nullish(), response: { 200: PauseSchema } }
  }, async (req) => await pauses.resume(req.ctx(), req.params.id, req.body ?? {}))
}
