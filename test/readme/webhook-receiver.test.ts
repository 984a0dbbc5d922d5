// Issue 13's "done when", as a newcomer would try it: a subscription created through the API
// receives a signed content_item.approved soon after the approval, and the README's own
// 15-line receiver (its text, run as a real process) verifies it with standardwebhooks and
// refuses a forged one.
import t from 'tap'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { freePort } from '../../src/db/embedded.js'
import { projectRoot as ROOT } from '../../src/lib/project-files.js'
import { bearer, createTestApp, json } from '../helper.js'
import { signup, createBrand } from '../factories.js'
import { createItem, decideOpen, reviewer, socialAccount } from '../factories-content.js'

const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' }

function readmeReceiver (): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Webhooks'))
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (!code) throw new Error('README: no js block in the Webhooks section')
  return code
}

t.test("the README's receiver verifies a real content_item.approved", async (t) => {
  const code = readmeReceiver()
  t.ok(code.trim().split('\n').length <= 15, 'the receiver is 15 lines')
  const h = await createTestApp(t, ENV)
  const owner = await signup(h, 'rx-readme')
  const brand = await createBrand(h, owner)
  const x = await socialAccount(h, owner.orgId, brand.id, 'x')

  const port = await freePort()
  const created = await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: `http://127.0.0.1:${port}/herald`, eventTypes: ['content_item.approved'] } })
  t.equal(created.statusCode, 201, created.statusCode === 201 ? 'subscribed through the API' : created.body)
  const { secret } = json(created)
  t.match(secret, /^whsec_/)

  // Under the checkout, so `standardwebhooks` resolves from its node_modules.
  const dir = path.join(ROOT, '.tap', `readme-receiver-${randomBytes(4).toString('hex')}`)
  mkdirSync(dir, { recursive: true })
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(path.join(dir, 'receiver.mjs'), code)
  const child = spawn(process.execPath, [path.join(dir, 'receiver.mjs')], { env: { ...process.env, HERALD_WEBHOOK_SECRET: secret, PORT: String(port), NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += String(c) })
  for (let i = 0; ; i++) {
    try { await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }); break } catch { if (i > 200) throw new Error('the README receiver did not start') }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }

  const forged = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, body: '{"type":"content_item.approved"}' })
  t.equal(forged.status, 400, 'a forged delivery is refused')

  await reviewer(h, owner)
  const item = await createItem(h, owner, { brandId: brand.id, body: 'Hello', targets: [{ socialAccountId: x }] })
  t.equal((await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/submit`, headers: bearer(owner.token) })).statusCode, 200)
  await decideOpen(h, owner, item.id, 'approve')
  const approvedAt = Date.now()
  const end = approvedAt + 15_000
  while (!out.includes('content_item.approved') && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10))
  const ms = Date.now() - approvedAt
  t.match(out, /content_item\.approved/, `the receiver verified and printed the event (${ms} ms after the approval; the bench measures the delay under load)`)
  t.match(out, new RegExp(item.id), 'with the item in its data')
  // Herald settles the delivery once the receiver's answer is in (the receiver prints first).
  let delivery: any
  for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 25))) {
    delivery = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${json(created).id}/deliveries`, headers: bearer(owner.token) })).data[0]
    if (delivery?.status !== 'pending') break
  }
  t.match(delivery, { status: 'succeeded' }, 'Herald recorded the 204 as delivered')
})
