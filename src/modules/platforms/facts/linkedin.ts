import type { PlatformFacts } from '../platform-types.js'

const POSTS_API = 'https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api'
const MULTI_IMAGE = 'https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/multiimage-post-api'
const COMMENTS_API = 'https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api'

export const linkedin: PlatformFacts = {
  displayName: 'LinkedIn',
  text: {
    // 3,000 characters for a post's `commentary` (POSTS_API). Not verified: the Posts API page
    // could not be read here; 3,000 is LinkedIn's composer limit and what tools document (some
    // report that longer commentary is cut silently, which is one more reason to refuse it).
    maxLength: 3000,
    counting: 'characters',
    required: 'without_media'
  },
  // Comments (COMMENTS_API): 1,250 characters is the figure tools give. Not verified.
  firstComment: { maxLength: 1250, counting: 'characters' },
  kinds: {
    // A post: text only, images (one, or a MultiImage post of 2 to 20), one video or one
    // document. MULTI_IMAGE: "A MultiImage post is a post containing multiple images (minimum
    // of 2 images and maximum of 20 images)". One video or one document per post (POSTS_API).
    post: { media: [{ types: ['image'], min: 0, max: 20 }, { types: ['video'], min: 1, max: 1 }, { types: ['document'], min: 1, max: 1 }] },
    // A carousel: a MultiImage post, or a document (PDF/PPT) that LinkedIn shows page by page.
    carousel: { media: [{ types: ['image'], min: 2, max: 20 }, { types: ['document'], min: 1, max: 1 }] },
    video: { media: [{ types: ['video'], min: 1, max: 1 }] },
    // An article share: the link is the content; an image may serve as its thumbnail.
    article: { media: [{ types: ['image'], min: 0, max: 1 }] }
  },
  hashtags: null,
  // The Posts API takes a link as `content.article.source`: a card of its own.
  link: { attachment: true, clickableInText: true },
  altText: null,
  sources: [
    { about: 'text.maxLength', url: POSTS_API, verified: false },
    { about: 'firstComment.maxLength', url: COMMENTS_API, verified: false },
    { about: 'kinds.post.media, kinds.carousel.media', url: MULTI_IMAGE, verified: true },
    { about: 'kinds, link.attachment', url: POSTS_API, verified: false }
  ]
}
