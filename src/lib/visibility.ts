import { can, type Actor } from './actor.js'

// Who sees the agency's inside, in one place (pure), for every module that shows people's
// work: comments, the timeline, approval decisions.
// - Internal comments (and the decision comments of internal review steps) are for the
//   agency's team: the client role and guest reviewers never see them.
// - Who acted (`label`: a member's email, a key's name, a guest's email) is shown only to
//   readers who may read members, and to the actor themself; others see the type and id.

/** Whether this reader may see internal comments. */
export function seesInternal (actor: Actor): boolean {
  if (actor.kind === 'guest') return false
  if (actor.kind === 'member') return actor.role !== 'client'
  return true
}

/** Whether this reader may see who acted (labels), beyond themself. */
export const showsLabels = (reader: Actor) => can(reader, 'members:read')

/** The label of an actor as this reader may see it. */
export function labelFor (reader: Actor, who: { type: string, id: string | null, label: string | null }): string | null {
  return showsLabels(reader) || (who.type === reader.kind && who.id === reader.id) ? who.label : null
}
