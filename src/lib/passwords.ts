import { Algorithm, hash, verify } from '@node-rs/argon2'

// OWASP Password Storage: Argon2id, 19 MiB, 2 iterations, parallelism 1.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const hashPassword = async (password: string) => await hash(password, OPTIONS)

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
