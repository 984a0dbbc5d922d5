import t, { type Test } from 'tap'
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDatabase, databaseUrl } from '../helper.js'
import { PASSWORD, startServer } from './process.js'

// Graceful shutdown, proven on the real process: `src/server.ts` started as `npm start` starts
// it, SIGTERM sent while requests are in flight. Nothing here measures time; the deadlines
// only keep a broken shutdown from hanging the suite.

/**
 * A sign-up held in flight: its head and the start of its body are sent now, the rest only when
 * `finish()` is called. The server has begun the request (it logs "incoming request") but cannot
 * answer it before the test lets it, so the signal always lands while it is running.
 */
function heldSignup (base: string, i: number): { finish: () => Promise<number | string> } {
  const { port } = new URL(base)
  const body = JSON.stringify({ organizationName: `Shutdown ${i}`, name: 'Owner', email: `shutdown-${i}-${Date.now()}@example.com`, password: PASSWORD })
  const socket = net.connect(Number(port), '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { received += chunk })
  const closed = new Promise<void>((resolve) => { socket.on('close', () => resolve()); socket.on('error', () => resolve()) })
  socket.write(`POST /v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`)
  return {
    finish: async () => {
      socket.write(body.slice(10))
      await closed
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received)?.[1]
      return status === undefined ? `failed: ${received.slice(0, 80) || 'no reply'}` : Number(status)
    }
  }
}

/** Starts requests, waits until the server has received them all, sends SIGTERM, and only once
 * the shutdown has begun lets the requests' bodies finish arriving. */
async function drainTest (t: Test, server: ReturnType<typeof startServer>) {
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = await server.listening()
  t.equal((await fetch(`${base}/healthz`)).status, 200)

  const n = 6
  const held = Array.from({ length: n }, (_, i) => heldSignup(base, i))
  await server.waitFor((l) => l.filter((x) => x.msg === 'incoming request').length >= n, 'every request to arrive')
  server.child.kill('SIGTERM')
  await server.waitFor((l) => l.some((x) => x.msg === 'shutting down'), 'the shutdown to begin')

  const statuses = await Promise.all(held.map((h) => h.finish()))
  t.same(statuses, Array(n).fill(201), 'every in-flight request finished with its normal status')
  const { code, signal } = await server.exited
  t.equal(signal, null, 'not killed by the signal')
  if (!t.equal(code, 0, 'exit code 0')) t.comment(server.raw.slice(-20).join('\n'))
  const shutdownAt = server.lines.findIndex((x) => x.msg === 'shutting down')
  t.ok(shutdownAt >= 0, 'logged "shutting down"')
  t.equal(server.lines[shutdownAt]?.signal, 'SIGTERM')
  // Proof that the test tested something: every request was still running at SIGTERM.
  const completedAfter = server.lines.slice(shutdownAt).filter((x) => x.msg === 'request completed' && x.res?.statusCode === 201)
  t.equal(completedAfter.length, n, 'every request completed after the signal')
}

t.test('SIGTERM on an external database: in-flight requests finish, exit 0', async (t) => {
  const db = await createDatabase(t)
  await drainTest(t, startServer({ DATABASE_URL: databaseUrl(db) }))
})

t.test('a request that arrives once draining has begun gets 503 problem+json with Retry-After', async (t) => {
  const db = await createDatabase(t)
  const server = startServer({ DATABASE_URL: databaseUrl(db) })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = await server.listening()
  const { port } = new URL(base)
  // One kept-alive connection: a sign-up whose body is still arriving when SIGTERM lands (so
  // the connection is busy and stays open), then the rest of it and a second request.
  const body = JSON.stringify({ organizationName: 'Draining', name: 'Owner', email: `draining-${Date.now()}@example.com`, password: PASSWORD })
  const socket = net.connect(Number(port), '127.0.0.1')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { received += chunk })
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  socket.write(`POST /v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`)
  await server.waitFor((l) => l.some((x) => x.msg === 'incoming request'), 'the sign-up to arrive')
  server.child.kill('SIGTERM')
  await server.waitFor((l) => l.some((x) => x.msg === 'shutting down'), 'the shutdown to begin')
  // A well-formed (unknown) API key: refused for the shutdown before any look-up.
  socket.write(body.slice(10) + 'GET /v1/brands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer hrld_abcdefghijkl_0123456789012345678901234567890123456789\r\n\r\n')
  await closed
  const [first, second] = received.split(/(?=HTTP\/1\.1 )/)
  t.match(first, /^HTTP\/1\.1 201 /, 'the request in flight finished')
  t.match(second, /^HTTP\/1\.1 503 /, 'the one after it was refused')
  t.match(second, /content-type: application\/problem\+json/i)
  t.match(second, /retry-after: \d+/i)
  t.match(second, /connection: close/i, 'and its connection closed, so the retry goes elsewhere')
  t.match(second, /"code":"HERALD_UNAVAILABLE"/)
  t.equal((await server.exited).code, 0)
})

t.test('SIGTERM on the embedded database: requests finish, then the cluster stops, exit 0', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'herald-shutdown-'))
  // mkdtemp makes it 0700; as root, PostgreSQL runs as its own user and must be able to enter it.
  chmodSync(dataDir, 0o755)
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  await drainTest(t, startServer({ HERALD_DATA_DIR: dataDir }))
  t.notOk(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'the embedded PostgreSQL stopped cleanly')
})

t.test('Ctrl-C of `npm start` (SIGINT to its whole process group): drains like SIGTERM, exit 0', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'herald-ctrl-c-'))
  chmodSync(dataDir, 0o755)
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const server = startServer({ HERALD_DATA_DIR: dataDir }, { npmStart: true })
  // npm and the server share the group; the embedded PostgreSQL must not be in it.
  t.teardown(() => { try { process.kill(-server.child.pid!, 'SIGKILL') } catch {} })
  const base = await server.listening()
  const n = 6
  const held = Array.from({ length: n }, (_, i) => heldSignup(base, 100 + i))
  await server.waitFor((l) => l.filter((x) => x.msg === 'incoming request').length >= n, 'every request to arrive')
  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group. With some
  // shells npm's forwarded copy reaches the server too (through tsx): one key press, two signals.
  process.kill(-server.child.pid!, 'SIGINT')
  // (Once the first has been taken, as a relayed copy arrives a moment later: two signals
  // pending at once would merge into one.)
  const serverPid = server.lines.find((l) => l.msg?.startsWith('Herald is serving'))!.pid as number
  await server.waitFor((l) => l.some((x) => x.msg === 'shutting down'), 'the first SIGINT to be taken')
  process.kill(serverPid, 'SIGINT')

  const statuses = await Promise.all(held.map((h) => h.finish()))
  t.same(statuses, Array(n).fill(201), 'every in-flight request finished with its normal status')
  const { code, signal } = await server.exited
  // npm, having got the terminal's SIGINT itself, ends as a Ctrl-C'd program does (the shell's
  // status 130) once the server has exited; the server's own clean exit is its last line.
  t.ok(code === 0 || signal === 'SIGINT', `npm start ended (code ${code}, signal ${signal})`)
  t.ok(server.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('stopped:')), 'the server finished its shutdown')
  const shutdownAt = server.lines.findIndex((x) => x.msg === 'shutting down')
  t.equal(server.lines[shutdownAt]?.signal, 'SIGINT', 'logged "shutting down" on SIGINT')
  t.notOk(server.raw.some((l) => /second (error|SIGINT|signal)|terminating connection/.test(l)), 'no second signal cut the drain short, no connection was terminated under a request')
  t.ok(server.lines.some((l) => l.msg?.startsWith('signal received again while draining')), 'the copy of the signal was noticed and ignored')
  const completedAfter = server.lines.slice(shutdownAt).filter((x) => x.msg === 'request completed' && x.res?.statusCode === 201)
  t.equal(completedAfter.length, n, 'every request completed after the signal')
  t.notOk(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'the server stopped the embedded PostgreSQL after draining')
})
