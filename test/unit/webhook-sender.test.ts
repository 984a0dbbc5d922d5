import http from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { addressRefusal, checkTarget, send, signatureHeaders, type SendPolicy } from '../../src/modules/webhooks/webhook-sender.js'

// The sender on its own, against real sockets on 127.0.0.1: DNS rebinding, redirects, timeouts
// and huge answers. Resolvers are injected so a "public" name can be made to resolve anywhere.

const base: SendPolicy = { allowHttp: true, allowedNetworks: [], timeoutMs: 500, maxResponseBytes: 1024 }

async function server (t: { teardown: (fn: () => unknown) => void }, handler: http.RequestListener) {
  const s = http.createServer(handler)
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  })
  return (s.address() as AddressInfo).port
}

t.test('address ranges', async (t) => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '224.0.0.1']) {
    t.ok(addressRefusal(a, { allowedNetworks: [] }), `${a} refused`)
  }
  for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8']) t.equal(addressRefusal(a, { allowedNetworks: [] }), null, `${a} allowed`)
  t.equal(addressRefusal('127.0.0.1', { allowedNetworks: ['127.0.0.0/8'] }), null, 'an operator may allow a network')
  t.ok(addressRefusal('10.0.0.1', { allowedNetworks: ['127.0.0.0/8'] }), 'only that network')
  t.match(addressRefusal('169.254.169.254', { allowedNetworks: [] }), /metadata/)
})

t.test('a name resolving to a private address is refused at subscription time', async (t) => {
  const resolve = async () => [{ address: '10.0.0.7', family: 4 }]
  await t.rejects(checkTarget('https://hooks.example.com/x', { ...base, allowHttp: false, resolve }), { errorClass: 'refused_address', message: /resolves to 10.0.0.7, a private address/ })
  await t.rejects(checkTarget('https://hooks.example.com/x', { ...base, allowHttp: false, resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }] }),
    /127\.0\.0\.1/, 'every address must be public')
  await t.rejects(checkTarget('https://nowhere.invalid/x', { ...base, resolve: async () => { throw new Error('ENOTFOUND') } }), /does not resolve/)
  t.ok(await checkTarget('https://hooks.example.com/x', { ...base, resolve: async () => [{ address: '93.184.216.34', family: 4 }] }))
})

t.test('DNS rebinding: checked again when connecting, and never connected to', async (t) => {
  let hits = 0
  const port = await server(t, (_req, res) => { hits++; res.end('ok') })
  let calls = 0
  // Public when the subscription was made, 127.0.0.1 when Herald connects.
  const resolve = async () => (++calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }])
  const url = `http://rebind.example.com:${port}/hook`
  t.ok(await checkTarget(url, { ...base, resolve }))
  const r = await send(url, {}, '{}', { ...base, resolve })
  t.equal(r.errorClass, 'refused_address')
  t.match(r.error, /now resolves to 127\.0\.0\.1/)
  t.equal(r.statusCode, null)
  t.equal(hits, 0, 'the receiver on 127.0.0.1 was never reached')
  const literal = await send(`http://127.0.0.1:${port}/hook`, {}, '{}', base)
  t.equal(literal.errorClass, 'refused_address', 'an IP literal is checked before connecting')
  t.equal(hits, 0)
  const allowed = await send(`http://127.0.0.1:${port}/hook`, {}, '{}', { ...base, allowedNetworks: ['127.0.0.0/8'] })
  t.equal(allowed.statusCode, 200)
  t.equal(hits, 1)
})

t.test('redirects are not followed; timeouts and huge answers are bounded', async (t) => {
  const loop = { ...base, allowedNetworks: ['127.0.0.0/8'] }
  let followed = 0
  const target = await server(t, (_req, res) => { followed++; res.end() })
  const redirecting = await server(t, (_req, res) => { res.writeHead(302, { location: `http://127.0.0.1:${target}/` }).end() })
  const r = await send(`http://127.0.0.1:${redirecting}/`, {}, '{}', loop)
  t.equal(r.statusCode, 302)
  t.equal(r.errorClass, 'redirect')
  t.equal(followed, 0)

  const hanging = await server(t, () => { /* never answers */ })
  const slow = await send(`http://127.0.0.1:${hanging}/`, {}, '{}', { ...loop, timeoutMs: 200 })
  t.equal(slow.errorClass, 'timeout')
  t.ok(slow.durationMs >= 190 && slow.durationMs < 2000, `${slow.durationMs} ms`)

  const huge = await server(t, (_req, res) => {
    res.writeHead(200)
    const chunk = 'y'.repeat(64 * 1024)
    let sent = 0
    const more = () => { while (sent < 200 && res.write(chunk)) sent++; if (sent < 200) res.once('drain', more); else res.end() }
    more()
  })
  const big = await send(`http://127.0.0.1:${huge}/`, {}, '{}', loop)
  t.equal(big.statusCode, 200)
  t.equal(big.responseBody!.length, 1024)

  const throttled = await server(t, (_req, res) => { res.writeHead(429, { 'retry-after': '7' }).end() })
  const tr = await send(`http://127.0.0.1:${throttled}/`, {}, '{}', loop)
  t.equal(tr.retryAfterSeconds, 7)

  const closed = await send('http://127.0.0.1:1/', {}, '{}', loop)
  t.equal(closed.errorClass, 'connection')
  t.equal((await send('https://[::1]/', {}, '{}', { ...loop, allowHttp: false })).errorClass, 'refused_address')
  t.equal((await send('http://93.184.216.34/', {}, '{}', { ...loop, allowHttp: false })).errorClass, 'invalid_url', 'https only unless configured')
})

t.test('signatures verify with the standardwebhooks package, one per live secret', async (t) => {
  const a = `whsec_${Buffer.alloc(32, 1).toString('base64')}`
  const b = `whsec_${Buffer.alloc(32, 2).toString('base64')}`
  const body = JSON.stringify({ id: 'e1', type: 'webhook.test', timestamp: new Date().toISOString(), data: {} })
  const headers = signatureHeaders('e1', new Date(), body, [b, a])
  t.ok(new Webhook(a).verify(body, headers))
  t.ok(new Webhook(b).verify(body, headers))
  t.throws(() => new Webhook(a).verify(body + ' ', headers), 'a changed body fails')
  const old = signatureHeaders('e1', new Date(Date.now() - 301_000), body, [a])
  t.throws(() => new Webhook(a).verify(body, old), /too old/, 'outside the 5-minute tolerance')
  t.ok(new Webhook(a).verify(body, signatureHeaders('e1', new Date(Date.now() - 299_000), body, [a])), 'inside it')
})
