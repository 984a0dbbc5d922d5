import { createRequire } from 'node:module'
import type * as Argon2 from '@node-rs/argon2'

// OWASP Password Storage: Argon2id, 19 MiB, 2 iterations, parallelism 1. The native module is
// loaded on the first sign-up or sign-in, not at start-up (only those need it); with require,
// not import(): the bundle runs as a script (src/lib/code-cache.ts), where import() needs a
// loader Node still calls experimental.
let loaded: typeof Argon2 | undefined
const argon2 = (): typeof Argon2 => (loaded ??= createRequire(import.meta.url)('@node-rs/argon2') as typeof Argon2)
const options = () => ({ algorithm: argon2().Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 })

export const hashPassword = async (password: string) => await argon2().hash(password, options())
const verify = async (stored: string, password: string) => await argon2().verify(stored, password)

// Verifying against this when the account does not exist keeps both paths equally slow, so
// timing does not tell which emails have accounts.
let dummy: Promise<string> | undefined

export async function verifyPassword (stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword('not-a-real-password-but-the-same-cost')
    await verify(await dummy, password).catch(() => false)
    return false
  }
  return await verify(stored, password).catch(() => false)
}
