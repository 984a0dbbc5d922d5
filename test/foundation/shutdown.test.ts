import t from 'tap'
import { spawn } from 'node:child_process'
import { freePort } from '../../src/db/embedded.js'
import { createDatabase, databaseUrl } from '../helper.js'

// The real process: `node --import tsx src/server.ts`, stopped with SIGTERM while requests are
// in flight. Every in-flight request completes and the process exits 0.
t.test('SIGTERM finishes in-flight requests and exits 0', async (t) => {
  const db = await createDatabase(t)
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl(db), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: 'shutdown-test-secret-0123456789abcdef' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })

  const base = `http://127.0.0.1:${port}`
  let ready = false
  for (let i = 0; i < 100 && !ready && child.exitCode === null; i++) {
    ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false)
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  if (!ready) {
    t.fail(`the server did not become ready: ${output.slice(-2000)}`)
    return
  }
  // Sign-ups are slow on purpose (argon2id), which keeps them in flight during the signal.
  const inflight = Array.from({ length: 8 }, (_, i) => fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: `Org ${i}`, name: 'N', email: `shutdown-${i}-${port}@example.com`, password: 'correct horse battery' })
  }).then((r) => r.status))
  await new Promise((resolve) => setTimeout(resolve, 30))
  child.kill('SIGTERM')
  const statuses = await Promise.all(inflight)
  t.same(statuses, Array(8).fill(201), 'every in-flight request completed')
  t.equal(await exited, 0, `exit code 0 (${output.slice(-500)})`)
})
