import type { Platform } from '../../db/tables/social-accounts.js'
import type { PlatformFacts } from './platform-types.js'
import { instagram } from './facts/instagram.js'
import { facebook } from './facts/facebook.js'
import { threads } from './facts/threads.js'
import { x } from './facts/x.js'
import { bluesky } from './facts/bluesky.js'
import { linkedin } from './facts/linkedin.js'
import { tiktok } from './facts/tiktok.js'
import { youtube } from './facts/youtube.js'
import { pinterest } from './facts/pinterest.js'

// The table of every platform's publishing rules (shapes in platform-types.ts).

/** The table: one entry per platform (GET /v1/platforms lists them in PLATFORMS order). */
export const PLATFORM_FACTS: Readonly<Record<Platform, PlatformFacts>> = {
  instagram,
  facebook,
  threads,
  x,
  bluesky,
  linkedin,
  tiktok,
  youtube,
  pinterest
}
