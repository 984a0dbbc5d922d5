import { isIPv6 } from 'node:net'

/**
 * The address a per-address limit counts against. IPv4 as is; an IPv4-mapped IPv6 address as
 * its IPv4; any other IPv6 address as its /64, since one subscriber is usually given a whole
 * /64 and could otherwise take a fresh budget with every address in it.
 */
export function clientAddress (ip: string): string {
  if (!isIPv6(ip)) return ip
  const lower = ip.toLowerCase().replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped) return mapped[1]
  const [head, tail] = lower.includes('::') ? lower.split('::') : [lower, undefined]
  const front = head ? head.split(':') : []
  const back = tail ? tail.split(':') : []
  // A dotted IPv4 tail takes two of the eight groups.
  const backGroups = back.length + (back.at(-1)?.includes('.') ? 1 : 0)
  const frontGroups = front.length + (tail === undefined && front.at(-1)?.includes('.') ? 1 : 0)
  const groups = [...front, ...Array(Math.max(0, 8 - frontGroups - backGroups)).fill('0'), ...back]
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`
}
