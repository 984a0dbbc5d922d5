import type pg from 'pg'
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible'
import { clientAddress } from './client-address.js'
import { AppError } from './errors.js'
import { sha256 } from './tokens.js'

// Failed sign-ins, counted the way rate-limiter-flexible's login-protection example does
// ("Login endpoint protection"), in PostgreSQL so that every instance sees the same counts:
// - consecutive failures per email *and* address: after `maxFailures` in a row that pair is
//   locked for `lockMs`; a success clears it. One person's typos lock that person, from that
//   address, and nobody else: not the same account from another address, not colleagues
//   behind the same NAT.
// - slow brute force per address: after `maxFailuresPerAddressPerDay` failures in a day, of
//   any email, the address is locked for a day.
// Unknown emails count like wrong passwords, so a lock never tells whether an account exists.
// What it deliberately does not do: lock an account for every address, which would let anyone
// lock anyone out. A distributed guess at one account is slowed by argon2 and each address's
// daily limit.
// Sign-ins are rare, so the counters are read on every attempt and written on every failure
// (one upsert each); keys are hashes, so no email or address is stored.

export interface LoginLimits {
  /** Consecutive failures for one email from one address before that pair is locked. */
  maxFailures: number
  /** How long that lock lasts. */
  windowMs: number
  /** Failures from one address in a day before the address is locked for a day. */
  maxFailuresPerAddressPerDay: number
}

export interface LoginGuard {
  /** Refuses (429 with Retry-After) an attempt that may not be made now. */
  check: (email: string, ip: string) => Promise<void>
  failed: (email: string, ip: string) => Promise<void>
  succeeded: (email: string, ip: string) => Promise<void>
}

const DAY_SECONDS = 86_400

export function createLoginGuard (pool: pg.Pool, limits: LoginLimits): LoginGuard {
  const common = { storeClient: pool, storeType: 'pool', schemaName: 'herald_limits', tableName: 'login_failures', tableCreated: true }
  // `points` is how many failures pass; the one after them sets the lock (blockDuration).
  const byPair = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'pair',
    points: limits.maxFailures - 1,
    duration: DAY_SECONDS,
    blockDuration: Math.ceil(limits.windowMs / 1000)
  })
  const byAddress = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'addr',
    points: limits.maxFailuresPerAddressPerDay - 1,
    duration: DAY_SECONDS,
    blockDuration: DAY_SECONDS
  })
  const keys = (email: string, ip: string) => {
    const address = clientAddress(ip)
    return { pair: sha256(`${email.trim().toLowerCase()}\n${address}`), address: sha256(address) }
  }
  const lockedFor = (res: RateLimiterRes | null, points: number) =>
    res && res.consumedPoints > points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0

  return {
    async check (email, ip) {
      const k = keys(email, ip)
      const [pair, address] = await Promise.all([byPair.get(k.pair), byAddress.get(k.address)])
      const addressWait = lockedFor(address, byAddress.points)
      const pairWait = lockedFor(pair, byPair.points)
      const wait = Math.max(addressWait, pairWait)
      if (wait > 0) {
        const why = addressWait > 0 ? 'Too many failed sign-ins from this address' : 'Too many failed sign-ins for this email from this address'
        throw new AppError('HERALD_RATE_LIMITED', `${why}; try again in ${wait} seconds.`, { headers: { 'retry-after': String(wait) } })
      }
    },
    async failed (email, ip) {
      const k = keys(email, ip)
      // A consume that goes over its points rejects with the result (and has set the lock):
      // that is the expected outcome here, not an error.
      const count = (p: Promise<RateLimiterRes>) => p.catch((res) => { if (!(res instanceof RateLimiterRes)) throw res })
      await Promise.all([count(byPair.consume(k.pair)), count(byAddress.consume(k.address))])
    },
    async succeeded (email, ip) {
      await byPair.delete(keys(email, ip).pair)
    }
  }
}
