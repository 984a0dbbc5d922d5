import type { PlatformFacts } from '../platform-types.js'

// Pinterest's own OpenAPI description of API v5 (github.com/pinterest/api-description), the
// source of the reference at developers.pinterest.com/docs/api/v5/.
const OPENAPI = 'https://github.com/pinterest/api-description/blob/main/v5/openapi.yaml'
const PINS_CREATE = 'https://developers.pinterest.com/docs/api/v5/pins-create'

export const pinterest: PlatformFacts = {
  displayName: 'Pinterest',
  text: {
    // The body is the Pin's description. OPENAPI, PinCreate.description: maxLength 500
    // (PinUpdate: "Pin description - 500 characters maximum.").
    maxLength: 500,
    counting: 'characters',
    // Every Pin has an image or a video.
    required: 'never'
  },
  // Pins take no comments through the API.
  firstComment: null,
  kinds: {
    // OPENAPI, PinMediaSource: one image (image_url / image_base64), one video (video_id), or
    // multiple_image_urls with "minItems: 2, maxItems: 5" (a carousel Pin).
    post: { media: [{ types: ['image'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }] },
    carousel: { media: [{ types: ['image'], min: 2, max: 5 }] },
    video: { media: [{ types: ['video'], min: 1, max: 1 }] }
  },
  hashtags: null,
  // OPENAPI, PinCreate.link: the destination link, a field of its own, maxLength 2048. Links
  // inside the description are not clickable.
  link: { attachment: true, clickableInText: false, maxLength: 2048 },
  // OPENAPI, PinCreate.alt_text: maxLength 500.
  altText: { maxLength: 500, counting: 'characters', appliesTo: ['image', 'video'] },
  sources: [
    { about: 'text.maxLength, link.maxLength, altText.maxLength, kinds', url: OPENAPI, verified: true },
    { about: 'kinds', url: PINS_CREATE, verified: false }
  ]
}
