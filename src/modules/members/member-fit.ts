// Who may be named to work on a brand's things (a campaign's owner, an item's assignee, an
// approver, someone mentioned): a member of this organization who has joined and can see the
// brand. One rule, one wording, for every module that names people.

export interface MemberFit { status: 'invited' | 'active', brandIds: readonly string[] | null }

/** Why this member cannot be named for the brand, or null when they can. */
export function memberFitIssue (m: MemberFit | undefined, brandId: string): { code: 'HERALD_NOT_FOUND' | 'HERALD_UNPROCESSABLE', message: string } | null {
  if (!m) return { code: 'HERALD_NOT_FOUND', message: 'member not found' }
  if (m.status !== 'active') return { code: 'HERALD_UNPROCESSABLE', message: 'the member has not accepted the invitation yet' }
  if (m.brandIds !== null && !m.brandIds.includes(brandId)) return { code: 'HERALD_UNPROCESSABLE', message: 'the member has no access to this brand' }
  return null
}
