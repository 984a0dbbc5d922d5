import type { PlatformFacts } from '../platform-types.js'

const DIRECT_POST = 'https://developers.tiktok.com/doc/content-posting-api-reference-direct-post'
const PHOTO_POST = 'https://developers.tiktok.com/doc/content-posting-api-reference-photo-post'

export const tiktok: PlatformFacts = {
  displayName: 'TikTok',
  text: {
    // Video posts: `post_info.title`, the caption, at most 2,200 UTF-16 runes (DIRECT_POST).
    // Not verified: the request schema's text could not be read in full here; 2,200 is also
    // TikTok's in-app caption limit.
    maxLength: 2200,
    counting: 'utf16',
    // Every TikTok post is a video or photos.
    required: 'never'
  },
  // The Content Posting API publishes videos and photos only: no comments.
  firstComment: null,
  kinds: {
    // Direct Post of a video: one video (DIRECT_POST, /v2/post/publish/video/init/).
    video: { media: [{ types: ['video'], min: 1, max: 1 }] },
    short_video: { media: [{ types: ['video'], min: 1, max: 1 }] },
    // Photo posts (PHOTO_POST, /v2/post/publish/content/init/, media_type PHOTO): up to 35
    // images; the text is `post_info.description`, at most 4,000 UTF-16 runes. Not verified: the
    // page could not be read in full; 35 and 4,000 are what tools built on it document.
    carousel: { media: [{ types: ['image'], min: 1, max: 35 }], text: { maxLength: 4000 } },
    // A post is a video or photos; its text keeps the stricter caption limit of a video.
    post: { media: [{ types: ['video'], min: 1, max: 1 }, { types: ['image'], min: 1, max: 35 }] }
  },
  hashtags: null,
  // Links in captions are not clickable, and the API has no link field.
  link: { attachment: false, clickableInText: false },
  altText: null,
  sources: [
    { about: 'text.maxLength, text.counting, kinds.video', url: DIRECT_POST, verified: false },
    { about: 'kinds.carousel', url: PHOTO_POST, verified: false }
  ]
}
