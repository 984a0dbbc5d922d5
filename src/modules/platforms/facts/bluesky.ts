import type { PlatformFacts } from '../platform-types.js'

// The lexicons are the schema every Bluesky server validates records against.
const POST_LEXICON = 'https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json'
const IMAGES_LEXICON = 'https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/images.json'
const VIDEO_LEXICON = 'https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/embed/video.json'

export const bluesky: PlatformFacts = {
  displayName: 'Bluesky',
  text: {
    // POST_LEXICON: "text": {"type": "string", "maxLength": 3000, "maxGraphemes": 300}. A
    // lexicon maxLength counts UTF-8 bytes, maxGraphemes user-perceived characters (an emoji
    // ZWJ sequence is one grapheme).
    maxLength: 300,
    counting: 'graphemes',
    maxBytes: 3000,
    required: 'without_media'
  },
  // A first comment is a reply: an app.bsky.feed.post of its own (POST_LEXICON, "reply").
  firstComment: { maxLength: 300, counting: 'graphemes', maxBytes: 3000 },
  kinds: {
    // IMAGES_LEXICON: "images": {"maxLength": 4} (image/*); VIDEO_LEXICON: one "video" blob,
    // "accept": ["video/mp4"]. A post embeds one or the other. GIFs are not a media type of
    // their own on Bluesky (clients convert them to video), so a GIF is refused here.
    post: { media: [{ types: ['image'], min: 0, max: 4 }, { types: ['video'], min: 1, max: 1 }] },
    // A thread: posts separated by "---" lines, published as a chain of replies.
    thread: { media: [{ types: ['image'], min: 0, max: 4 }, { types: ['video'], min: 1, max: 1 }] }
  },
  // Hashtags in the text are facets, without a documented limit (the separate `tags` field,
  // max 8, is not what Herald publishes).
  hashtags: null,
  // Links are facets in the text: they count toward the 300 graphemes.
  link: { attachment: false, clickableInText: true },
  // VIDEO_LEXICON: "alt": {"maxGraphemes": 1000, "maxLength": 10000}. Image alt text has no
  // limit in IMAGES_LEXICON ("alt": {"type": "string"}).
  altText: { maxLength: 1000, counting: 'graphemes', appliesTo: ['video'] },
  sources: [
    { about: 'text.maxLength, text.maxBytes, text.counting', url: POST_LEXICON, verified: true },
    { about: 'kinds.post.media', url: IMAGES_LEXICON, verified: true },
    { about: 'kinds.post.media, altText', url: VIDEO_LEXICON, verified: true }
  ]
}
