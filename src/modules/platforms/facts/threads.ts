import type { PlatformFacts } from '../platform-types.js'

const POSTS = 'https://developers.facebook.com/docs/threads/posts'
const TEXT_ATTACHMENTS = 'https://developers.facebook.com/documentation/threads/create-posts/text-attachments'

export const threads: PlatformFacts = {
  displayName: 'Threads',
  text: {
    // POSTS, "Limitations": "Text posts are limited to 500 characters." and "Emojis are counted
    // as the number of UTF-8 bytes." Hence the counting: code points, an emoji its UTF-8 bytes.
    maxLength: 500,
    counting: 'characters_emoji_utf8',
    // media_type=TEXT requires `text`; image and video posts may go without (POSTS).
    required: 'without_media'
  },
  // A first comment is a reply (reply_to_id): a Threads post of its own, with the same limit.
  firstComment: { maxLength: 500, counting: 'characters_emoji_utf8' },
  kinds: {
    // Single posts: text only, one image or one video (POSTS, media_type TEXT, IMAGE, VIDEO).
    post: { media: [{ types: ['image'], min: 0, max: 1 }, { types: ['video'], min: 1, max: 1 }] },
    // Carousels of images and/or videos: up to 20 items. Not verified: the carousel section of
    // POSTS could not be read here; 20 is what tools built on the API document.
    carousel: { media: [{ types: ['image', 'video'], min: 2, max: 20 }] },
    // A thread: posts separated by "---" lines, published as a chain of replies; media go with
    // the first post.
    thread: { media: [{ types: ['image'], min: 0, max: 1 }, { types: ['video'], min: 1, max: 1 }] }
  },
  // One topic tag per post: Threads turns one hashtag into the post's topic. Not verified: the
  // "Topic Tags" section of POSTS could not be read; Meta's announcements say one per post.
  hashtags: { max: 1 },
  // TEXT_ATTACHMENTS: "Starting December 22, 2025, Threads posts containing more than 5 links
  // will fail to post"; "All unique URLs found in the text field are counted as links". A link
  // is published in the text (the link_attachment field exists for text-only posts alone).
  link: { attachment: false, clickableInText: true, maxLinks: 5 },
  altText: null,
  sources: [
    { about: 'text.maxLength, text.counting', url: POSTS, verified: true },
    { about: 'kinds.carousel.media.max', url: POSTS, verified: false },
    { about: 'hashtags.max', url: POSTS, verified: false },
    { about: 'link.maxLinks', url: TEXT_ATTACHMENTS, verified: true }
  ]
}
