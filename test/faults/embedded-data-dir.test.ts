import t from 'tap'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startServer } from './process.js'

// A data directory made by `mktemp -d` (mode 0700). As root, the embedded PostgreSQL runs as the
// user "postgres", which cannot enter it: the start must fail at once with a message naming the
// directory and the fix, not crash on an unhandled `spawn … initdb EACCES`. As any other user,
// PostgreSQL runs as that user, and the same directory simply works.

t.test('a data directory the postgres user cannot enter', async (t) => {
  const locked = mkdtempSync(path.join(tmpdir(), 'herald-locked-'))
  t.teardown(() => rmSync(locked, { recursive: true, force: true }))
  t.equal(statSync(locked).mode & 0o777, 0o700, 'made as mktemp -d makes it')
  const dataDir = path.join(locked, 'data')
  const server = startServer({ HERALD_DATA_DIR: dataDir })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })

  if (process.getuid?.() === 0) {
    const { code } = await server.exited
    const output = server.raw.join('\n')
    t.equal(code, 1, 'the start fails')
    t.match(output, `cannot enter ${locked} (mode 700`, 'naming the directory that blocks it, and its mode')
    t.match(output, `chmod o+x ${locked}`, 'and the fix')
    t.match(output, 'HERALD_DATA_DIR', 'or the other way out')
    t.notMatch(output, /EACCES|\n\s+at /, 'no raw errno, no stack trace')
    t.notMatch(server.raw.join(''), /"level":/, 'nothing was started: not even a log line')
  } else {
    const base = await server.listening()
    t.equal((await fetch(`${base}/readyz`)).status, 200, 'not root: PostgreSQL runs as this user, who owns the directory')
    server.child.kill('SIGTERM')
    t.equal((await server.exited).code, 0)
  }
})
