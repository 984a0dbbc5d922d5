// OWASP Password Storage: Argon2id, 19 MiB, 2 iterations, parallelism 1. The native module is
// loaded on the first sign-up or sign-in, not at start-up (only those need it).
const argon2 = async () => await import('@node-rs/argon2')
const options = async () => ({ algorithm: (await argon2()).Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 })

export const hashPassword = async (password: string) => await (await argon2()).hash(password, await options())
const verify = async (stored: string, password: string) => await (await argon2()).verify(stored, password)

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
