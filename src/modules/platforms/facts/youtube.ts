import type { PlatformFacts } from '../platform-types.js'

const VIDEOS = 'https://developers.google.com/youtube/v3/docs/videos'
const HASHTAGS = 'https://support.google.com/youtube/answer/6390658'
const COMMENT_THREADS = 'https://developers.google.com/youtube/v3/docs/commentThreads/insert'

export const youtube: PlatformFacts = {
  displayName: 'YouTube',
  text: {
    // The body is the video's description. VIDEOS, snippet.description: "The property value has
    // a maximum length of 5000 bytes and may contain all valid UTF-8 characters except < and >."
    // Verified through code that quotes the reference ("up to 5000 bytes in valid UTF-8
    // characters except < and >"); the reference page itself was only partly readable here.
    maxLength: 5000,
    counting: 'bytes',
    forbiddenCharacters: ['<', '>'],
    required: 'never'
  },
  // A first comment is a comment thread on the video (COMMENT_THREADS). 10,000 characters is the
  // figure tools give. Not verified.
  firstComment: { maxLength: 10000, counting: 'characters' },
  kinds: {
    // videos.insert uploads exactly one video; Shorts are videos too (vertical, short).
    video: { media: [{ types: ['video'], min: 1, max: 1 }] },
    short_video: { media: [{ types: ['video'], min: 1, max: 1 }] }
  },
  // YouTube Help (HASHTAGS): over 60 hashtags and YouTube ignores every hashtag on the video.
  // Not verified on the Help page itself (read through guides that quote it).
  hashtags: { max: 60 },
  // Links go in the description, where YouTube makes them clickable.
  link: { attachment: false, clickableInText: true },
  altText: null,
  sources: [
    { about: 'text.maxLength, text.counting, text.forbiddenCharacters', url: VIDEOS, verified: true },
    { about: 'hashtags.max', url: HASHTAGS, verified: false },
    { about: 'firstComment.maxLength', url: COMMENT_THREADS, verified: false }
  ]
}
