import t from 'tap'
import net from 'node:net'
import { maxHeaderSize } from 'node:http'
import { PassThrough } from 'node:stream'
import { spec } from '../openapi-spec.js'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { clientErrorHandler } from '../../src/plugins/errors.js'
import { bearer, createTestApp, json } from '../helper.js'
import { signup } from '../factories.js'

// Refusals that come from Node's HTTP parser or fastify's router, before any route runs: they
// used to answer fastify's own JSON ({"error":…,"statusCode":414}); now they are problem+json
// with a code, like every other error. Malformed HTTP and oversized headers can only be sent on
// a socket, so this file listens (on 127.0.0.1, on a port the kernel picks).

const AjvClass = (Ajv2020 as any).default
const ajv = new AjvClass({ strict: false, allErrors: true }) as import('ajv').default
;(addFormats as any).default(ajv)
ajv.addSchema(spec, 'openapi')
/** The reply is a valid Problem (these statuses belong to no operation, so helper.ts cannot check them). */
const isProblem = ajv.compile({ $ref: 'openapi#/components/schemas/Problem' })

/** Sends raw bytes and reads until the server closes: status line, headers, body. */
function raw (port: number, request: string): Promise<{ status: number, headers: string, body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => { data += chunk })
    socket.on('error', reject)
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') })
    })
    socket.write(request)
  })
}

t.test('fastify and Node refusals are problem+json', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'framework')
  const address = await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = Number(new URL(address).port)

  t.test('malformed HTTP is 400 HERALD_VALIDATION', async (t) => {
    const res = await raw(port, 'NOT HTTP AT ALL\r\n\r\n')
    t.equal(res.status, 400)
    t.match(res.headers, 'content-type: application/problem+json; charset=utf-8')
    const body = JSON.parse(res.body)
    t.match(body, { status: 400, code: 'HERALD_VALIDATION', detail: /not valid HTTP\/1\.1 \(HPE_/ })
    t.ok(isProblem(body), JSON.stringify(isProblem.errors))
    t.match(res.headers, `x-request-id: ${body.requestId}`)
    t.ok(h.logs.some((l) => l.includes(body.requestId) && l.includes('malformed request refused')), 'logged with its request id')
  })

  t.test('headers over Node\'s limit are 431 HERALD_HEADERS_TOO_LARGE', async (t) => {
    const res = await raw(port, `GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(maxHeaderSize)}\r\n\r\n`)
    t.equal(res.status, 431)
    const body = JSON.parse(res.body)
    t.match(body, { status: 431, code: 'HERALD_HEADERS_TOO_LARGE', title: 'Request header fields too large' })
    t.ok(isProblem(body), JSON.stringify(isProblem.errors))
  })

  t.test('a request not received in time is 408 HERALD_REQUEST_TIMEOUT', async (t) => {
    // Node's requestTimeout is 60 s: the handler is called as Node calls it, on a socket double.
    const socket = new PassThrough()
    let written = ''
    socket.on('data', (c) => { written += c })
    clientErrorHandler.call(h.app, Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket)
    await new Promise((resolve) => setImmediate(resolve))
    t.match(written, /^HTTP\/1\.1 408 Request Timeout\r\n/)
    const body = JSON.parse(written.split('\r\n\r\n')[1])
    t.match(body, { status: 408, code: 'HERALD_REQUEST_TIMEOUT' })
    t.ok(isProblem(body))
    const reset = new PassThrough()
    clientErrorHandler.call(h.app, Object.assign(new Error('reset'), { code: 'ECONNRESET' }), reset)
    t.ok(reset.destroyed, 'a reset connection is closed without an answer')
  })

  t.test('path segments: long ids are a 400 naming the parameter; malformed encoding is a 400', async (t) => {
    const long = await h.inject({ method: 'GET', url: `/v1/brands/${'a'.repeat(5000)}`, headers: bearer(owner.token) })
    t.equal(long.statusCode, 400)
    t.same(json(long).errors, [{ path: 'id', message: 'Invalid UUID' }])
    const encoding = await h.inject({ method: 'GET', url: '/v1/brands/%E0%A4%A', headers: bearer(owner.token) })
    t.equal(encoding.statusCode, 400)
    t.equal(encoding.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(json(encoding), { code: 'HERALD_VALIDATION', errors: [{ path: '(path)' }] })
    // Longer than the request line Node accepts: only reachable in-process, still problem+json.
    const huge = await h.app.inject({ method: 'GET', url: `/v1/brands/${'a'.repeat(maxHeaderSize + 1)}`, headers: bearer(owner.token) })
    t.equal(huge.statusCode, 414)
    t.equal(huge.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(json(huge), { status: 414, code: 'HERALD_URI_TOO_LONG' })
    t.ok(isProblem(json(huge)))
    // Over a socket, the same request line is refused by Node's parser first.
    const onWire = await raw(port, `GET /v1/brands/${'a'.repeat(maxHeaderSize + 1)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
    t.equal(onWire.status, 431)
  })

  t.test('an empty JSON body is no body', async (t) => {
    const key = json(await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(owner.token), payload: { name: 'temp', scopes: ['brands:read'] } }))
    const del = await h.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: { ...bearer(owner.token), 'content-type': 'application/json' }, payload: '' })
    t.equal(del.statusCode, 204, 'a DELETE that says application/json with no body')
    const post = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(owner.token), 'content-type': 'application/json' }, payload: '' })
    t.equal(post.statusCode, 400)
    t.match(json(post), { code: 'HERALD_VALIDATION', errors: [{ path: '(body)' }] })
  })
})
