// The contract generates typed clients cleanly, and a program written against one works:
// scripts/contract-clients.ts generates clients with openapi-typescript, @hey-api/openapi-ts
// and orval (failing on any warning) and compiles them with the programs in client-program/
// under tsc --strict (failing on any type error); the compiled README flow then runs against
// a real Herald and narrows a 412 and a 409 by their fields.
import t from 'tap'
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { generateClients } from '../../scripts/contract-clients.js'
import { runningHerald } from '../running-herald.js'

t.test('typed clients from openapi.yaml run the README flow against a real Herald', async (t) => {
  const [clients, herald] = await Promise.all([
    Promise.resolve().then(() => generateClients()),
    runningHerald(t)
  ])
  t.teardown(() => rmSync(clients.dir, { recursive: true, force: true }))
  t.pass('three generators ran without warnings and tsc --strict found no type error')

  const child = spawn(process.execPath, [clients.program('readme-flow')], { env: { PATH: process.env.PATH, HERALD_URL: herald.base }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (c) => { out += c })
  child.stderr.on('data', (c) => { err += c })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 0, `the program ran to the end${err ? `:\n${err}` : ''}`)
  const steps = Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => { const s = JSON.parse(l); return [s.step, s] }))
  t.match(steps.signup, { role: 'owner', expiresIn: Number })
  t.match(steps.me, { kind: 'user', organization: 'Acme Social' })
  t.match(steps.brand, { name: 'Lumen Coffee', version: 1, replayed: true })
  t.same(steps.brands?.names, ['Lumen Coffee'])
  t.same(steps.graphql?.data, { viewer: { role: 'owner', organization: { name: 'Acme Social' } }, brands: { edges: [{ node: { name: 'Lumen Coffee', timeZone: 'Europe/Paris' } }] } })
  t.same(steps['412'], { step: '412', status: 412, code: 'HERALD_PRECONDITION_FAILED', currentVersion: 2, renamedVersion: 2 })
  t.same(steps['409'], { step: '409', status: 409, code: 'HERALD_ILLEGAL_TRANSITION', from: 'draft', to: 'completed', allowed: ['planned', 'archived'] })
})
