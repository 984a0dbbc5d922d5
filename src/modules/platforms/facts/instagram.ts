import type { PlatformFacts } from '../platform-types.js'

const PUBLISHING = 'https://developers.facebook.com/docs/instagram-platform/content-publishing/'
const MEDIA_REFERENCE = 'https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media'
// Instagram announced the 5-hashtag limit in a post of its own; this press report quotes it.
const HASHTAG_LIMIT = 'http://routenote.com/blog/Instagram-hashtags'

export const instagram: PlatformFacts = {
  displayName: 'Instagram',
  text: {
    // 2,200 characters. Source: IG User Media reference (MEDIA_REFERENCE), `caption` parameter
    // ("Maximum 2200 characters, 30 hashtags, and 20 @ tags"). Not verified: the reference page
    // could not be read from here; the figure is the one every publishing tool documents.
    maxLength: 2200,
    counting: 'characters',
    // Feed posts, reels, stories and carousels all need media, so an empty caption is allowed.
    required: 'never'
  },
  // A first comment goes through the IG Comments API (POST /{ig-media-id}/comments). Its limit
  // is taken as the caption's, 2,200 characters. Not verified: no official page states it.
  firstComment: { maxLength: 2200, counting: 'characters' },
  kinds: {
    // Content publishing (PUBLISHING): "single images, videos, reels (single media posts), or
    // posts containing multiple images and videos (carousel posts)"; "Beginning July 1, 2023, all
    // single feed videos published through the Instagram Content Publishing API will be shared as
    // reels". Instagram needs at least one image or video: there are no text-only posts.
    post: { media: [{ types: ['image'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }] },
    // Carousels: 2 to 10 images and/or videos (PUBLISHING, "Carousel posts"). Not verified: the
    // carousel section could not be read; the app allows 20 since 2024, the API documents 10.
    carousel: { media: [{ types: ['image', 'video'], min: 2, max: 10 }] },
    reel: { media: [{ types: ['video'], min: 1, max: 1 }] },
    // Stories are published with media_type=STORIES, one image or one video each (PUBLISHING;
    // Meta's announcement of May 16, 2023 on developers.facebook.com/blog).
    story: { media: [{ types: ['image'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }] }
  },
  // 5 hashtags. Instagram announced in December 2025: "Instagram will gradually update the
  // number of hashtags that you can include in a caption for a reel or post to 5" (quoted by
  // the press, HASHTAG_LIMIT; not verified: Instagram's own post could not be read here). Before
  // that the API reference said 30 (MEDIA_REFERENCE). We take 5: a caption within 5 publishes
  // under both rules.
  hashtags: { max: 5 },
  // Links in captions are not clickable on Instagram; they are allowed, only not useful.
  // Instagram has no link field, so a content item's link is published in the caption.
  link: { attachment: false, clickableInText: false },
  // alt_text exists for image posts since March 24, 2025 (PUBLISHING); no limit is documented.
  altText: null,
  sources: [
    { about: 'text.maxLength', url: MEDIA_REFERENCE, verified: false },
    { about: 'firstComment.maxLength', url: 'https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments', verified: false },
    { about: 'kinds', url: PUBLISHING, verified: true },
    { about: 'kinds.carousel.media.max', url: PUBLISHING, verified: false },
    { about: 'hashtags.max', url: HASHTAG_LIMIT, verified: false }
  ]
}
