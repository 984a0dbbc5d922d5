import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function base62 (length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)]
  return out
}

export const opaqueToken = (bytes = 32) => randomBytes(bytes).toString('base64url')

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export function safeEqualHex (a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === y.length && timingSafeEqual(x, y)
}

export const API_KEY_PATTERN = /^hrld_([A-Za-z0-9]{12})_([A-Za-z0-9]{40})$/

/** `hrld_<12 base62>_<40 base62>`: ~238 random bits of secret, recognisable by scanners. */
export function newApiKey (): { key: string, prefix: string, hash: string, lastFour: string } {
  const prefix = base62(12)
  const secret = base62(40)
  const key = `hrld_${prefix}_${secret}`
  return { key, prefix, hash: sha256(key), lastFour: secret.slice(-4) }
}
