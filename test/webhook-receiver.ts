// A real webhook receiver on 127.0.0.1 for tests: records what it gets, answers as scripted.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received { headers: http.IncomingHttpHeaders, body: string }

/** A real receiver on 127.0.0.1: answers each request with the next scripted status (then 200). */
export async function receiver (t: Tap, script: number[] = []) {
  const got: Received[] = []
  const waiters: Array<() => void> = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => { body += String(c) })
    req.on('end', () => {
      got.push({ headers: req.headers, body })
      const status = script.shift() ?? 200
      res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://169.254.169.254/' } : {})
      res.end(status === 200 ? 'ok' : 'x'.repeat(5000))
      waiters.splice(0).forEach((w) => { w() })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return {
    url,
    got,
    async next (n = got.length + 1): Promise<Received> {
      while (got.length < n) await new Promise<void>((resolve) => waiters.push(resolve))
      return got[n - 1]
    },
    /** Waits (up to ms) until `pred` holds over what was received. */
    async until (pred: (got: Received[]) => boolean, ms = 10_000): Promise<void> {
      const end = Date.now() + ms
      while (!pred(got)) {
        if (Date.now() > end) throw new Error(`receiver: condition not met within ${ms} ms (${got.length} received)`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
  }
}
type Tap = { teardown: (fn: () => unknown) => void }
