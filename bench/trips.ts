// Prints the SQL round trips of one request of a workload: `npx tsx bench/trips.ts nested`
// (or list, get, create). KEEP=1 keeps the database and writes the trips to /tmp/trips.json,
// to read their plans with EXPLAIN.
import { writeFileSync } from 'node:fs'
import { inProcess } from './in-process.js'

const trips: string[][] = []
const { app, databaseUrl, token, request, close } = await inProcess('herald_trips', (s) => { trips.push(s) })
const which = process.argv[2] ?? 'nested'
for (let i = 0; i < 2; i++) {
  trips.length = 0
  const t0 = performance.now()
  const r = await app.inject({ ...request(which, i), headers: { authorization: `Bearer ${token}` } })
  console.log(r.statusCode, (performance.now() - t0).toFixed(1), 'ms', r.body.length, 'bytes')
}
if (process.env.KEEP) writeFileSync('/tmp/trips.json', JSON.stringify({ databaseUrl, trips }))
for (const t of trips) console.log('--- trip\n' + t.map((x) => x.slice(0, Number(process.env.WIDTH ?? 600))).join('\n;\n'))
await close(process.env.KEEP !== undefined)
