// A real Herald for the tests that need one over HTTP (generated clients, a real browser):
// `src/server.ts` started as `npm start` starts it (see test/faults/process.ts), on a random
// port of 127.0.0.1 and a database of its own; stopped with SIGTERM at teardown.
import { createDatabase, databaseUrl } from './helper.js'
import { startServer, type ServerProcess } from './faults/process.js'

type Tap = Parameters<typeof createDatabase>[0]

export interface RunningHerald { base: string, server: ServerProcess }

export async function runningHerald (t: Tap, env: Record<string, string> = {}): Promise<RunningHerald> {
  const db = await createDatabase(t)
  const server = startServer({ DATABASE_URL: databaseUrl(db), ...env })
  t.teardown(async () => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return
    server.child.kill('SIGTERM')
    const stopped = await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'))])
    if (stopped === 'timeout') server.child.kill('SIGKILL')
  })
  return { base: await server.listening(), server }
}
