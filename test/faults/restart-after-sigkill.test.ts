import t from 'tap'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PASSWORD, startServer, type ServerProcess } from './process.js'

// `npm start` on the embedded database after the previous run was killed: the next start just
// works, and says in one line what it found. Real processes; deadlines only keep a broken start
// from hanging the suite.

function postmasterPid (dataDir: string): number | undefined {
  const file = path.join(dataDir, 'pg', 'postmaster.pid')
  return existsSync(file) ? Number.parseInt(readFileSync(file, 'utf8').split('\n')[0], 10) : undefined
}

function alive (pid: number | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const previousRunLines = (server: ServerProcess) => server.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Embedded PostgreSQL:'))

async function signIn (base: string, email: string): Promise<number> {
  const res = await fetch(`${base}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grantType: 'password', email, password: PASSWORD })
  })
  await res.arrayBuffer()
  return res.status
}

t.test('SIGKILL of the API, then npm start again: it just works', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'herald-restart-'))
  // mkdtemp makes it 0700; as root, PostgreSQL runs as its own user and must be able to enter it.
  chmodSync(dataDir, 0o755)
  const servers: ServerProcess[] = []
  const start = () => {
    const s = startServer({ HERALD_DATA_DIR: dataDir })
    servers.push(s)
    return s
  }
  t.teardown(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
    // A cluster this test left running (it was started by one of the servers above).
    const pid = postmasterPid(dataDir)
    if (alive(pid)) process.kill(pid!, 'SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  const first = start()
  const base1 = await first.listening()
  t.same(previousRunLines(first), [], 'a first start finds nothing to report')
  const email = `restart-${Date.now()}@example.com`
  const signup = await fetch(`${base1}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: 'Restart', name: 'Owner', email, password: PASSWORD })
  })
  t.equal(signup.status, 201)
  const leftRunning = postmasterPid(dataDir)

  first.child.kill('SIGKILL')
  await first.exited
  t.ok(alive(leftRunning), 'the killed API left its PostgreSQL running (the situation to recover from)')

  const second = start()
  const base2 = await second.listening()
  const found = previousRunLines(second)
  t.equal(found.length, 1, 'one line says what the start found')
  t.match(found[0]?.msg, /still running \(pid \d+/, `it names the cluster left running: ${found[0]?.msg}`)
  t.notOk(alive(leftRunning), 'that cluster was stopped')
  t.equal(await signIn(base2, email), 200, 'the data of the first run is there')

  // Now the API and its PostgreSQL both die at once (an OOM kill, a power cut of the container):
  // the lock file stays behind, and its server is gone.
  const secondCluster = postmasterPid(dataDir)
  second.child.kill('SIGKILL')
  process.kill(secondCluster!, 'SIGKILL')
  await second.exited
  const third = start()
  const base3 = await third.listening()
  const stale = previousRunLines(third)
  t.equal(stale.length, 1, 'one line again')
  t.match(stale[0]?.msg, /did not stop cleanly/, `it says the last run did not stop cleanly: ${stale[0]?.msg}`)
  t.equal(await signIn(base3, email), 200, 'and the data survived that too')

  third.child.kill('SIGTERM')
  t.equal((await third.exited).code, 0, 'a clean stop')
  t.notOk(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'which stops its PostgreSQL too')
})
