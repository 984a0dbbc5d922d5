// What other modules may use of platforms: the check every content target goes through, and
// the shapes it speaks in. It is a pure function of the facts table and needs no service.
export { checkTarget, composePosts } from './check-target.js'
export type { RuleViolation, TargetContent } from './platform-types.js'
