// The README's first flow, written against the client @hey-api/openapi-ts generates from
// openapi.yaml. scripts/contract-clients.ts compiles it with tsc --strict (any type error
// fails) and test/contract/clients.test.ts runs it against a real Herald (HERALD_URL). It
// prints one JSON line per step; the errors are narrowed by `code` and read by their fields,
// exactly as an integrator's code would.
import { createClient } from '../generated/hey-api/client/index.js'
import { createBrand, createCampaign, getBrand, getMe, graphqlPost, listBrands, signup, updateBrand, updateCampaign } from '../generated/hey-api/sdk.gen.js'
import type { CampaignStatus, Problem } from '../generated/hey-api/types.gen.js'

const baseUrl = process.env.HERALD_URL
if (!baseUrl) throw new Error('Set HERALD_URL to the Herald to call, e.g. http://127.0.0.1:3000')
let token = ''
const client = createClient({ baseUrl, auth: () => token })
const say = (step: string, value: Record<string, unknown>) => console.log(JSON.stringify({ step, ...value }))
function fail (what: string, problem: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(problem)}`)
}
/** The HTTP answer behind a result (absent only when fetch itself failed). */
const answer = (res: { response?: Response }): Response => res.response ?? fail('no HTTP response', res)

// 1. Sign up: an organization and its owner, signed in.
const suffix = Math.random().toString(36).slice(2, 10)
const signedUp = await signup({ client, body: { organizationName: 'Acme Social', name: 'Ann', email: `ann-${suffix}@acme.example`, password: 'correct horse battery' } })
if (signedUp.error) fail('signup', signedUp.error)
token = signedUp.data.accessToken
say('signup', { role: signedUp.data.role, expiresIn: signedUp.data.expiresIn })

// 2. Who am I (the integrations' auth test).
const me = await getMe({ client })
if (me.error) fail('me', me.error)
say('me', { kind: me.data.kind, organization: me.data.organization.name })

// 3. A brand, safely retried with an Idempotency-Key: the retry replays the first answer.
const brandBody = { name: 'Lumen Coffee', timeZone: 'Europe/Paris' }
const created = await createBrand({ client, body: brandBody, headers: { 'Idempotency-Key': `first-brand-${suffix}` } })
if (created.error) fail('create brand', created.error)
const retried = await createBrand({ client, body: brandBody, headers: { 'Idempotency-Key': `first-brand-${suffix}` } })
if (retried.error) fail('retry brand', retried.error)
say('brand', { name: created.data.name, version: created.data.version, replayed: answer(retried).headers.get('idempotent-replayed') === 'true' && retried.data.id === created.data.id })

// 4. The brands, as a page.
const page = await listBrands({ client, query: { limit: 10 } })
if (page.error) fail('list brands', page.error)
say('brands', { names: page.data.data.map((b) => b.name), nextCursor: page.data.nextCursor })

// 5. The same data over GraphQL.
const graph = await graphqlPost({ client, body: { query: '{ viewer { role organization { name } } brands { edges { node { name timeZone } } } }' } })
if (graph.error || graph.data.errors) fail('graphql', graph.error ?? graph.data.errors)
say('graphql', { data: graph.data.data })

// 6. An edit with If-Match, then a second edit with the now stale ETag: 412, and the
//    problem says which version is current.
const read = await getBrand({ client, path: { id: created.data.id } })
if (read.error) fail('get brand', read.error)
const etag = answer(read).headers.get('etag') ?? fail('get brand', 'no ETag')
const renamed = await updateBrand({ client, path: { id: created.data.id }, body: { name: 'Lumen Coffee Roasters' }, headers: { 'If-Match': etag } })
if (renamed.error) fail('rename brand', renamed.error)
const stale = await updateBrand({ client, path: { id: created.data.id }, body: { name: 'Lumen' }, headers: { 'If-Match': etag } })
const staleProblem: Problem | undefined = stale.error
if (answer(stale).status !== 412 || staleProblem?.code !== 'HERALD_PRECONDITION_FAILED') fail('stale If-Match', staleProblem)
const currentVersion: number = staleProblem.currentVersion ?? fail('412 without currentVersion', staleProblem)
say('412', { status: answer(stale).status, code: staleProblem.code, currentVersion, renamedVersion: renamed.data.version })

// 7. A campaign, and a status it cannot move to from draft: 409, and the problem lists the
//    statuses it can move to.
const campaign = await createCampaign({ client, body: { brandId: created.data.id, name: 'Spring launch', objective: 'awareness' } })
if (campaign.error) fail('create campaign', campaign.error)
const illegal = await updateCampaign({ client, path: { id: campaign.data.id }, body: { status: 'completed' } })
const transition: Problem | undefined = illegal.error
if (answer(illegal).status !== 409 || transition?.code !== 'HERALD_ILLEGAL_TRANSITION') fail('illegal transition', transition)
const allowed: string[] = transition.allowed ?? fail('409 without allowed', transition)
const next: CampaignStatus | undefined = transition.to
say('409', { status: answer(illegal).status, code: transition.code, from: transition.from, to: next, allowed })
