import type { IResolvers } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import { ActivateBody, CreatePlaybookBody, PlaybookListQuery, UpdatePlaybookBody } from './playbooks.schemas.js'
import { IncidentListQuery, NoteBody, PauseBody, ReportQuery, ResolveBody, ResumeBody, StatementBody, TimelineQuery, UpdateIncidentBody, type EntryDto } from './incidents.schemas.js'
import type { CrisisFacade } from './public.js'

// GraphQL: the same service methods as REST, with the same zod schemas.

const Id = z.uuid()

/** GraphQL sends null for an omitted optional field inside lists of inputs; the REST shape omits it. */
function dropNulls (value: unknown, keep: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((v) => dropNulls(v))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => v !== null || keep.has(k)).map(([k, v]) => [k, dropNulls(v)]))
  }
  return value
}

/** Fields of a playbook where null means something (every brand, no policy). */
const NULLABLE = new Set(['brandIds', 'incidentApprovalPolicy'])

export function crisisResolvers (crisis: CrisisFacade): IResolvers {
  const { playbooks, incidents, pauses, statements, reports } = crisis
  return {
    Query: {
      crisisPlaybook: async (_root, args, { ctx }) => await playbooks.get(ctx, parseArgs(Id, args.id)),
      crisisPlaybooks: async (_root, args, { ctx }, info) => await resolveConnection(PlaybookListQuery, { ...args, reviewDue: args.reviewDue === undefined || args.reviewDue === null ? undefined : String(args.reviewDue) },
        async (q) => await playbooks.list(ctx, q), info),
      incident: async (_root, args, { ctx }) => await incidents.get(ctx, parseArgs(Id, args.id)),
      incidents: async (_root, args, { ctx }, info) => await resolveConnection(IncidentListQuery, args, async (q) => await incidents.list(ctx, q), info),
      incidentTimeline: async (_root, args, { ctx }, info) => {
        const { id, ...rest } = args
        return await resolveConnection(TimelineQuery, rest, async (q) => await incidents.timeline(ctx, parseArgs(Id, id), q), info)
      },
      brandPause: async (_root, args, { ctx }) => await pauses.get(ctx, parseArgs(Id, args.brandId)),
      incidentReport: async (_root, args, { ctx }) => await reports.report(ctx, parseArgs(ReportQuery, dropNulls({ ...args })))
    },
    Mutation: {
      createCrisisPlaybook: async (_root, args, { ctx }) => await playbooks.create(ctx, parseArgs(CreatePlaybookBody, dropNulls({ ...args.input }, NULLABLE))),
      updateCrisisPlaybook: async (_root, args, { ctx }) =>
        await playbooks.update(ctx, parseArgs(Id, args.id), parseArgs(UpdatePlaybookBody, dropNulls({ ...args.input }, NULLABLE)), args.expectedVersion ?? undefined),
      deleteCrisisPlaybook: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await playbooks.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      },
      reviewCrisisPlaybook: async (_root, args, { ctx }) => await playbooks.review(ctx, parseArgs(Id, args.id)),
      activateCrisisPlaybook: async (_root, args, { ctx }) => {
        const { opened, ...incident } = await incidents.activate(ctx, parseArgs(Id, args.id), parseArgs(ActivateBody, dropNulls({ ...args.input })))
        return { incident, opened }
      },
      updateIncident: async (_root, args, { ctx }) =>
        await incidents.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateIncidentBody, dropNulls({ ...args.input }, new Set(['commanderId']))), args.expectedVersion ?? undefined),
      acknowledgeIncident: async (_root, args, { ctx }) => await incidents.acknowledge(ctx, parseArgs(Id, args.id)),
      completeIncidentStep: async (_root, args, { ctx }) => await incidents.completeStep(ctx, parseArgs(Id, args.id), parseArgs(Id, args.stepId)),
      addIncidentNote: async (_root, args, { ctx }) => await incidents.addNote(ctx, parseArgs(Id, args.id), parseArgs(NoteBody, { body: args.body }).body),
      resolveIncident: async (_root, args, { ctx }) => await incidents.resolve(ctx, parseArgs(Id, args.id), parseArgs(ResolveBody, { summary: args.summary }).summary),
      createIncidentStatement: async (_root, args, { ctx }) => await statements.create(ctx, parseArgs(Id, args.id), parseArgs(StatementBody, dropNulls({ ...args.input }))),
      pauseBrand: async (_root, args, { ctx }) => await pauses.pause(ctx, parseArgs(Id, args.brandId), parseArgs(PauseBody, dropNulls({ ...args.input }))),
      resumeBrand: async (_root, args, { ctx }) => await pauses.resume(ctx, parseArgs(Id, args.brandId), parseArgs(ResumeBody, dropNulls({ onResume: args.onResume })))
    },
    IncidentEntry: {
      data: (entry: EntryDto) => JSON.stringify(entry.data)
    }
  }
}
