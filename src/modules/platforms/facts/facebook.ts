import type { PlatformFacts } from '../platform-types.js'

const PAGE_FEED = 'https://developers.facebook.com/docs/graph-api/reference/page/feed/'
const PAGE_PHOTOS = 'https://developers.facebook.com/docs/graph-api/reference/page/photos/'
const PAGE_VIDEOS = 'https://developers.facebook.com/docs/video-api/guides/publishing'
const PAGE_REELS = 'https://developers.facebook.com/docs/video-api/guides/reels-publishing'

export const facebook: PlatformFacts = {
  displayName: 'Facebook',
  text: {
    // 63,206 characters: the figure every tool and guide gives for a Facebook post. Not verified:
    // the Graph API reference of POST /{page-id}/feed (PAGE_FEED) documents `message` without a
    // maximum, and no Meta page stating the number could be read.
    maxLength: 63206,
    counting: 'characters',
    // A Page post with nothing in it is refused: it needs a message, a link or media.
    required: 'without_media'
  },
  // Comments through POST /{object-id}/comments. About 8,000 characters is the figure tools give.
  // Not verified: no Meta page states it.
  firstComment: { maxLength: 8000, counting: 'characters' },
  kinds: {
    // A post: text only, photos (attached_media, PAGE_PHOTOS; no maximum documented) or one video.
    post: { media: [{ types: ['image', 'gif'], min: 0, max: null }, { types: ['video'], min: 1, max: 1 }] },
    video: { media: [{ types: ['video'], min: 1, max: 1 }] },
    // Reels: one video (PAGE_REELS).
    reel: { media: [{ types: ['video'], min: 1, max: 1 }] },
    // Page stories: one photo or one video each. Not verified: the stories guide could not be read.
    story: { media: [{ types: ['image'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }] }
  },
  hashtags: null,
  // POST /{page-id}/feed takes `link` as a field of its own: it becomes a link card.
  link: { attachment: true, clickableInText: true },
  altText: null,
  sources: [
    { about: 'text.maxLength', url: PAGE_FEED, verified: false },
    { about: 'firstComment.maxLength', url: 'https://developers.facebook.com/docs/graph-api/reference/object/comments/', verified: false },
    { about: 'kinds.post', url: PAGE_PHOTOS, verified: false },
    { about: 'kinds.video', url: PAGE_VIDEOS, verified: false },
    { about: 'kinds.reel', url: PAGE_REELS, verified: false },
    { about: 'link.attachment', url: PAGE_FEED, verified: false }
  ]
}
