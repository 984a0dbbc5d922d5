import { AppError } from '../../lib/errors.js'
import { CAMPAIGN_STATUSES } from '../../db/tables/campaigns.js'

export type CampaignStatus = typeof CAMPAIGN_STATUSES[number]

/**
 * The campaign life cycle (product spec: draft → planned → active ⇄ paused → completed →
 * archived), as data. Edges beyond the straight line, and why:
 * - planned → draft: plans change before launch; back to editing without starting over.
 * - draft | planned | paused → archived: shelve a campaign that will never run (or never
 *   resume). A running (active) campaign is completed or paused first, so its end is on record.
 * - paused → completed: a campaign can end while paused.
 * - archived → draft: unarchive. Like content items' restore, it always comes back as a
 *   draft, so the campaign goes through planning again rather than jumping back to where it was.
 * - completed is final except for archiving: results are measured against it.
 */
export const CAMPAIGN_TRANSITIONS: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  draft: ['planned', 'archived'],
  planned: ['active', 'draft', 'archived'],
  active: ['paused', 'completed'],
  paused: ['active', 'completed', 'archived'],
  completed: ['archived'],
  archived: ['draft']
}

export const allowedNext = (from: CampaignStatus): readonly CampaignStatus[] => CAMPAIGN_TRANSITIONS[from]

export const canTransition = (from: CampaignStatus, to: CampaignStatus): boolean => CAMPAIGN_TRANSITIONS[from].includes(to)

/** Throws 409 HERALD_ILLEGAL_TRANSITION, listing the legal next states, unless from → to is an edge. */
export function assertTransition (from: CampaignStatus, to: CampaignStatus): void {
  if (canTransition(from, to)) return
  const allowed = [...allowedNext(from)]
  throw new AppError('HERALD_ILLEGAL_TRANSITION', `A ${from} campaign cannot become ${to}; from ${from} it can become ${allowed.join(', ')}.`, {
    errors: [{ path: 'status', message: `not allowed from ${from}` }],
    extra: { from, to, allowed }
  })
}

/** Only drafts can be deleted; anything that was planned or ran is archived instead. */
export const isDeletable = (status: CampaignStatus): boolean => status === 'draft'
