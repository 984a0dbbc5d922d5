import { can, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import type { ContentItemsRepository } from '../content-items/content-items.repository.js'
import { toContentItemDto } from '../content-items/content-state.js'
import type { ContentItemNode } from '../content-items/content-items.service.js'
import type { MembersRepository } from '../members/members.repository.js'
import type { MemberDto } from '../members/members.schemas.js'
import { toMemberDto } from '../members/members.service.js'

// Batched reads of other modules' rows for the GraphQL edges of a request (its content item,
// the members who may decide), with those modules' own visibility rules: content needs
// content:read and the brand; members need members:read (clients and guests see none).

export function createApprovalLookups (deps: { items: Pick<ContentItemsRepository, 'findByIds'>, members: Pick<MembersRepository, 'findByIds'> }) {
  const { items, members } = deps
  return {
    /** Content items as GraphQL nodes (targets left to ContentItem.targets); null when not visible. */
    async contentItems (ctx: Ctx, ids: readonly string[]): Promise<Array<ContentItemNode | null>> {
      if (!can(ctx.actor, 'content:read')) return ids.map(() => null)
      const rows = await items.findByIds(ctx.actor.orgId, [...new Set(ids)], ctx.db)
      const byId = new Map(rows.filter((r) => canSeeBrand(ctx.actor, r.brandId)).map((r) => [r.id, { ...toContentItemDto(r, []), targets: undefined }]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    /** Members by id, or null when the caller may not read members. */
    async members (ctx: Ctx, ids: readonly string[]): Promise<Map<string, MemberDto> | null> {
      if (!can(ctx.actor, 'members:read')) return null
      return new Map((await members.findByIds(ctx.actor.orgId, ids, ctx.db)).map((m) => [m.id, toMemberDto(m)]))
    }
  }
}
export type ApprovalLookups = ReturnType<typeof createApprovalLookups>
