import type { Platform } from '../../db/tables/social-accounts.js'

// Handle rules per network, deliberately loose: they catch the typo that would make a post
// go nowhere (a space, a character the network never allows, an obviously too long name),
// never a handle the network could accept. Networks whose page names vary a lot (Facebook
// pages, LinkedIn company pages, YouTube channels, Pinterest) only get the generic rule of
// handleSchema: 1–100 characters without spaces.
interface HandleRule { pattern: RegExp, message: string, source: string }

const INSTAGRAM: HandleRule = {
  pattern: /^[A-Za-z0-9._]{1,30}$/,
  message: 'an Instagram username is at most 30 letters, digits, periods or underscores',
  source: 'https://help.instagram.com/ (username: up to 30 characters; letters, numbers, periods and underscores)'
}

export const HANDLE_RULES: Partial<Record<Platform, HandleRule>> = {
  x: {
    pattern: /^[A-Za-z0-9_]{1,15}$/,
    message: 'an X username is at most 15 letters, digits or underscores',
    source: 'https://help.x.com/en/managing-your-account/x-username-rules (15 characters; A-Z, 0-9 and underscore)'
  },
  instagram: INSTAGRAM,
  // Threads profiles are Instagram accounts and carry the Instagram username.
  threads: { ...INSTAGRAM, message: 'a Threads username is an Instagram username: at most 30 letters, digits, periods or underscores' },
  tiktok: {
    pattern: /^[A-Za-z0-9._]{2,24}$/,
    message: 'a TikTok username is 2 to 24 letters, digits, periods or underscores',
    source: 'https://support.tiktok.com/en/getting-started/setting-up-your-profile/changing-your-username (2–24 characters; letters, numbers, underscores, periods)'
  },
  bluesky: {
    // A domain name: labels of letters, digits and inner hyphens, at least two of them.
    pattern: /^(?=.{3,100}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    message: 'a Bluesky handle is a domain name such as lumen.bsky.social',
    source: 'https://atproto.com/specs/handle (handles are DNS domain names)'
  }
}

/** Why a (normalised) handle cannot be one on this network, or null when it can. */
export function handleProblem (platform: Platform, handle: string): string | null {
  const rule = HANDLE_RULES[platform]
  return rule && !rule.pattern.test(handle) ? rule.message : null
}
