import type { PlatformFacts } from '../platform-types.js'

const COUNTING = 'https://docs.x.com/fundamentals/counting-characters'
const TWITTER_TEXT = 'https://github.com/twitter/twitter-text'
const MEDIA = 'https://docs.x.com/x-api/media'
const ALT_TEXT = 'https://developer.x.com/en/docs/media/upload-media/api-reference/post-media-metadata-create'

export const x: PlatformFacts = {
  displayName: 'X',
  text: {
    // 280, weighted. COUNTING: "Posts on X can contain up to 280 characters"; "Most characters
    // count as 1, but some count as 2" (CJK, emoji); "All URLs are wrapped with t.co shortener
    // and count as 23 characters"; "Use the open-source twitter-text library to accurately count
    // characters". The counter is that library's parseTweet (TWITTER_TEXT, config v3:
    // maxWeightedTweetLength 280, transformedURLLength 23); a unit test checks these two
    // numbers against the library's own configuration.
    maxLength: 280,
    counting: 'weighted',
    urlLength: 23,
    // A post needs text or media.
    required: 'without_media'
  },
  // A first comment is a reply to the post: a post of its own, with the same count.
  firstComment: { maxLength: 280, counting: 'weighted', urlLength: 23 },
  kinds: {
    // Up to 4 images, or 1 GIF, or 1 video per post (POST /2/tweets media.media_ids; MEDIA lists
    // the three media types). Not verified: the create-post reference could not be read here; the
    // limit of 4 is the one X's apps and every client enforce.
    post: { media: [{ types: ['image'], min: 0, max: 4 }, { types: ['gif'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }] },
    // A thread: posts separated by a line with "---" in the body, each measured on its own;
    // the media go with the first post, under the same rule as a post.
    thread: { media: [{ types: ['image'], min: 0, max: 4 }, { types: ['gif'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }] },
    video: { media: [{ types: ['video'], min: 1, max: 1 }] }
  },
  hashtags: null,
  // X has no link field: a link goes in the text, where it counts 23 like every URL.
  link: { attachment: false, clickableInText: true },
  // Alt text on images and GIFs (POST media/metadata/create, ALT_TEXT). 1,000 characters is the
  // limit since 2022. Not verified: the official page read here still says "Must be <= 420
  // chars" (a localized copy of the v1.1 reference); X's apps and current clients accept 1,000.
  altText: { maxLength: 1000, counting: 'characters', appliesTo: ['image', 'gif'] },
  sources: [
    { about: 'text.maxLength, text.counting, text.urlLength', url: COUNTING, verified: true },
    { about: 'text.counting', url: TWITTER_TEXT, verified: true },
    { about: 'kinds.post.media', url: MEDIA, verified: false },
    { about: 'altText.maxLength', url: ALT_TEXT, verified: false }
  ]
}
