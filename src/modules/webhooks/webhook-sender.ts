import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import ipaddr from 'ipaddr.js'
import { Webhook } from 'standardwebhooks'

// The one door through which Herald calls a receiver. It is SSRF-safe by construction:
// - only https (http only when the operator allows it, e.g. for tests on 127.0.0.1);
// - the address is checked when the socket connects, through our own `lookup`, so a name that
//   resolved to a public address when the subscription was made and to 127.0.0.1 now (DNS
//   rebinding) is never connected to; IP literals are checked before any connection;
// - loopback, private, link-local (169.254.169.254, the cloud metadata address), CGNAT,
//   unique-local, multicast and reserved ranges are refused unless an operator lists them;
// - redirects are not followed (a 3xx is a failed attempt), the whole call has a deadline and
//   at most the first 1 KB of the answer is read and kept.

export interface TargetPolicy {
  /** Allow http:// targets (never in production; tests talk to http://127.0.0.1). */
  allowHttp: boolean
  /** CIDRs an operator allows although they are not public (e.g. 127.0.0.0/8 for tests). */
  allowedNetworks: readonly string[]
}

export interface SendPolicy extends TargetPolicy {
  timeoutMs: number
  /** How much of the receiver's answer is read and kept. */
  maxResponseBytes: number
  /** Resolves a name to its addresses (dns.lookup by default; tests pass their own). */
  resolve?: (hostname: string) => Promise<Array<{ address: string, family: number }>>
}

export type SendErrorClass = 'invalid_url' | 'refused_address' | 'dns' | 'timeout' | 'connection' | 'http_status' | 'redirect'

/** A target Herald will not call, with a reason a person can act on. */
export class TargetRefused extends Error {
  constructor (readonly errorClass: SendErrorClass, message: string) { super(message) }
}

export interface SendResult {
  statusCode: number | null
  durationMs: number
  /** At most maxResponseBytes of the answer, as text. */
  responseBody: string | null
  errorClass: SendErrorClass | null
  error: string | null
  /** Seconds from a Retry-After header on 429/503, when the receiver sent one. */
  retryAfterSeconds: number | null
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number]
const parsedNetworks = new Map<string, Cidr[]>()

function networksOf (list: readonly string[]): Cidr[] {
  const key = list.join(',')
  let parsed = parsedNetworks.get(key)
  if (!parsed) {
    parsed = list.map((c) => ipaddr.parseCIDR(c))
    parsedNetworks.set(key, parsed)
  }
  return parsed
}

/** Why an address may not be called, or null when it may. */
export function addressRefusal (address: string, policy: Pick<TargetPolicy, 'allowedNetworks'>): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const ip = ipaddr.process(address)
  for (const [net, bits] of networksOf(policy.allowedNetworks)) {
    if (net.kind() === ip.kind() && ip.match([net, bits] as any)) return null
  }
  const range = ip.range()
  if (range === 'unicast') return null
  const what = address === '169.254.169.254' ? 'the cloud metadata address' : `a ${range} address`
  return `${address} is ${what}; Herald only calls public addresses`
}

/** Parses and checks a target URL's form (scheme, userinfo, host literal). */
export function checkUrlForm (raw: string, policy: TargetPolicy): URL {
  let url: URL
  try { url = new URL(raw) } catch { throw new TargetRefused('invalid_url', 'is not an absolute URL') }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new TargetRefused('invalid_url', policy.allowHttp ? 'must use http or https' : 'must use https')
  }
  if (url.username || url.password) throw new TargetRefused('invalid_url', 'must not carry a user name or password')
  if (url.hash) throw new TargetRefused('invalid_url', 'must not carry a fragment')
  const host = hostOf(url)
  if (net.isIP(host)) {
    const refusal = addressRefusal(host, policy)
    if (refusal) throw new TargetRefused('refused_address', refusal)
  }
  return url
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '')

const defaultResolve = async (hostname: string) => await dns.promises.lookup(hostname, { all: true, verbatim: true })

/** Resolves a name and checks every address it has (used when a subscription is made). */
export async function checkTarget (raw: string, policy: TargetPolicy & Pick<SendPolicy, 'resolve'>): Promise<URL> {
  const url = checkUrlForm(raw, policy)
  const host = hostOf(url)
  if (net.isIP(host)) return url
  let addresses: Array<{ address: string }>
  try {
    addresses = await (policy.resolve ?? defaultResolve)(host)
  } catch {
    throw new TargetRefused('dns', `the host ${host} does not resolve`)
  }
  if (addresses.length === 0) throw new TargetRefused('dns', `the host ${host} does not resolve`)
  for (const a of addresses) {
    const refusal = addressRefusal(a.address, policy)
    if (refusal) throw new TargetRefused('refused_address', `the host ${host} resolves to ${refusal.replace(/^\S+ is /, `${a.address}, `)}`)
  }
  return url
}

/**
 * A `lookup` for net.connect that refuses disallowed addresses at connection time: every
 * address the name has must be allowed (a name with one public and one private address is
 * refused whole, so the choice of address cannot be steered).
 */
function guardedLookup (policy: SendPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void
    ;(policy.resolve ?? defaultResolve)(hostname).then((addresses) => {
      if (addresses.length === 0) throw new TargetRefused('dns', `the host ${hostname} does not resolve`)
      for (const a of addresses) {
        const refusal = addressRefusal(a.address, policy)
        if (refusal) throw new TargetRefused('refused_address', `the host ${hostname} now resolves to ${a.address}: ${refusal}`)
      }
      const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses
      if (options.all) cb(null, wanted.map((a) => ({ address: a.address, family: a.family })))
      else if (wanted.length) cb(null, wanted[0].address, wanted[0].family)
      else throw new TargetRefused('dns', `the host ${hostname} has no IPv${String(options.family)} address`)
    }).catch((err: unknown) => {
      cb(err instanceof TargetRefused ? err as unknown as NodeJS.ErrnoException : Object.assign(new TargetRefused('dns', `the host ${hostname} does not resolve`), { cause: err }) as unknown as NodeJS.ErrnoException, '')
    })
  }
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) }

/** Closes idle keep-alive sockets (at shutdown). */
export function closeIdleConnections (): void {
  agents.http.destroy()
  agents.https.destroy()
  agents.http = new http.Agent({ keepAlive: true, maxSockets: 64 })
  agents.https = new https.Agent({ keepAlive: true, maxSockets: 64 })
}

function retryAfter (header: string | string[] | undefined): number | null {
  const v = Array.isArray(header) ? header[0] : header
  if (!v) return null
  if (/^\d+$/.test(v.trim())) return Number(v.trim())
  const at = Date.parse(v)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

/** POSTs one signed delivery and reports what happened; never throws. */
export async function send (rawUrl: string, headers: Record<string, string>, body: string, policy: SendPolicy): Promise<SendResult> {
  const started = performance.now()
  const done = (r: Partial<SendResult>): SendResult => ({
    statusCode: null, responseBody: null, errorClass: null, error: null, retryAfterSeconds: null, ...r, durationMs: Math.round(performance.now() - started)
  })
  let url: URL
  try {
    url = checkUrlForm(rawUrl, policy)
  } catch (err) {
    const e = err as TargetRefused
    return done({ errorClass: e.errorClass, error: `The target URL ${e.message}.` })
  }
  const client = url.protocol === 'https:' ? https : http
  return await new Promise<SendResult>((resolve) => {
    let settled = false
    const finish = (r: Partial<SendResult>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(done(r))
    }
    const req = client.request(url, {
      method: 'POST',
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      lookup: guardedLookup(policy),
      headers: { 'content-type': 'application/json', 'user-agent': 'Herald-Webhooks/1', 'content-length': String(Buffer.byteLength(body)), ...headers }
    }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      const status = res.statusCode ?? 0
      const conclude = () => {
        const text = Buffer.concat(chunks).subarray(0, policy.maxResponseBytes).toString('utf8')
        const base = { statusCode: status, responseBody: text.length ? text : null, retryAfterSeconds: status === 429 || status === 503 ? retryAfter(res.headers['retry-after']) : null }
        if (status >= 200 && status < 300) finish(base)
        else if (status >= 300 && status < 400) finish({ ...base, errorClass: 'redirect', error: `The receiver answered ${status} (redirects are not followed)${res.headers.location ? ` to ${String(res.headers.location).slice(0, 200)}` : ''}.` })
        else finish({ ...base, errorClass: 'http_status', error: `The receiver answered ${status}.` })
      }
      res.on('data', (chunk: Buffer) => {
        if (size < policy.maxResponseBytes) chunks.push(chunk)
        size += chunk.length
        // Enough read: the rest of a huge answer is not Herald's business.
        if (size >= policy.maxResponseBytes) { conclude(); res.destroy() }
      })
      res.on('end', conclude)
      res.on('error', conclude)
    })
    const timer = setTimeout(() => {
      finish({ errorClass: 'timeout', error: `The receiver did not answer within ${policy.timeoutMs} ms.` })
      req.destroy()
    }, policy.timeoutMs)
    req.on('error', (err: Error & { code?: string }) => {
      if (err instanceof TargetRefused) finish({ errorClass: err.errorClass, error: `${err.message}.` })
      else finish({ errorClass: 'connection', error: `Could not reach the receiver (${err.code ?? err.message}).` })
    })
    req.end(body)
  })
}

/**
 * The Standard Webhooks headers of one attempt: the same `webhook-id` on every retry, the
 * attempt's own timestamp, and one `v1,` signature per live secret (two during a rotation).
 */
export function signatureHeaders (msgId: string, at: Date, body: string, secrets: readonly string[]): Record<string, string> {
  const signatures = secrets.map((s) => new Webhook(s).sign(msgId, at, body))
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' ')
  }
}
