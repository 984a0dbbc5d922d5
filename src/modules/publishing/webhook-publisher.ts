import type { EventInput, RecordEvent, RecordEvents } from '../events/public.js'
import type { Publisher, PublishRequest } from './public.js'

// The built-in publisher: it posts nothing itself. For each target it writes a
// `content_item.publish_requested` event (in the hand-over transaction) carrying everything an
// integration needs to post it, which webhooks deliver and GET /v1/events lists; the
// integration posts and reports back through POST /v1/content-items/{id}/targets/{targetId}/publish-result.

const requestEvent = (request: PublishRequest): EventInput => ({
  type: 'content_item.publish_requested',
  subjectType: 'content_item',
  subjectId: request.contentItemId,
  brandId: request.brandId,
  data: {
    publicationId: request.publicationId,
    attempt: request.attempt,
    targetId: request.targetId,
    socialAccount: request.socialAccount,
    kind: request.kind,
    text: request.posts.join('\n\n'),
    posts: request.posts,
    media: request.media,
    firstComment: request.firstComment,
    link: request.link,
    hashtags: request.hashtags,
    scheduledAt: request.scheduledAt,
    late: request.late,
    reportTo: `/v1/content-items/${request.contentItemId}/targets/${request.targetId}/publish-result`
  }
})

export function createWebhookPublisher (record: RecordEvent, recordMany?: RecordEvents): Publisher {
  return {
    name: 'webhook',
    async publish (ctx, request) {
      await record(ctx, requestEvent(request))
      return { status: 'requested' }
    },
    // A batch's requests: one statement for all their events.
    ...(recordMany
      ? {
          async publishMany (ctx, requests) {
            await recordMany(ctx, requests.map(requestEvent))
            return requests.map(() => ({ status: 'requested' as const }))
          }
        }
      : {})
  }
}
