import type { Database } from '../db/client.js'
import type { Actor } from './actor.js'

/** What a service method needs to know about the call: who, in which transaction, for which request. */
export interface Ctx {
  actor: Actor
  db: Database
  requestId: string
}
