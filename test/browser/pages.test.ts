// A real browser proves the two pages Herald serves: headless Chromium (Debian's `chromium`,
// driven by playwright-core) opens /docs and /graphiql on a Herald started on a random port,
// sends one request through Swagger UI's "Try it out" and runs one query in GraphiQL. Any
// console error, uncaught page error, Content-Security-Policy violation or request to another
// origin (a CDN: there is no internet here, and there must be no need for it) fails the test.
import t, { type Test } from 'tap'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { runningHerald } from '../running-herald.js'
import { signup } from '../faults/process.js'

const CHROMIUM = '/usr/bin/chromium'

// Failing, never skipping: a browser test that quietly does not run proves nothing.
if (!existsSync(CHROMIUM)) {
  throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (sudo apt-get install -y --no-install-recommends chromium), as .ci/run does.`)
}

async function browser (t: Test): Promise<BrowserContext> {
  const profile = mkdtempSync(path.join(tmpdir(), 'herald-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  return context
}

/** A page that records everything that must not happen on it. */
async function watched (context: BrowserContext, base: string): Promise<{ page: Page, problems: string[] }> {
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`) })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (r) => { if (!r.url().startsWith(base + '/') && !r.url().startsWith('data:')) problems.push(`request to another origin: ${r.url()}`) })
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`))
  // CSP violations are console errors too; the event also catches those reported only to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => { console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`) })
  })
  return { page, problems }
}

t.test('/docs and /graphiql work in a real browser, offline, under the CSP', async (t) => {
  const herald = await runningHerald(t)
  const token = await signup(herald.base, 'browser')
  const context = await browser(t)
  // Generous: Swagger UI's 470 kB document and GraphiQL's bundle render slowly on a loaded
  // 2-core machine (CI runs test files in parallel); nothing here measures time.
  context.setDefaultTimeout(60_000)

  t.test('Swagger UI: authorize, then GET /v1/me through "Try it out"', async (t) => {
    const { page, problems } = await watched(context, herald.base)
    const res = await page.goto(`${herald.base}/docs`)
    t.equal(res?.status(), 200)
    t.match(res?.headers()['content-security-policy'], /script-src 'self';/)
    await page.getByRole('button', { name: /Authorize/ }).first().click()
    await page.locator('.modal-ux input#auth-bearer-value').fill(token)
    await page.locator('.modal-ux button.authorize').click()
    await page.locator('.modal-ux button.btn-done').click()
    const op = page.locator('#operations-Auth-getMe')
    await op.locator('.opblock-summary-control').click()
    await op.getByRole('button', { name: 'Try it out' }).click()
    await op.getByRole('button', { name: 'Execute' }).click()
    const live = op.locator('.live-responses-table .response')
    await live.first().waitFor()
    t.equal((await live.locator('.response-col_status').first().innerText()).trim(), '200')
    const body = JSON.parse(await op.locator('.live-responses-table .response-col_description pre').first().innerText())
    t.match(body, { kind: 'user', organization: { name: 'Org browser' } }, 'the answer of this Herald, on its own host and port')
    t.match(await op.locator('.request-url pre').first().innerText(), `${herald.base}/v1/me`)
    t.same(problems, [], 'no console error, CSP violation or foreign request')
  })

  t.test('GraphiQL: a query with a bearer token', async (t) => {
    const { page, problems } = await watched(context, herald.base)
    const res = await page.goto(`${herald.base}/graphiql`)
    t.equal(res?.status(), 200)
    t.match(res?.headers()['content-security-policy'], /script-src 'self';/)
    await page.locator('.graphiql-container').waitFor()
    // Until it has a credential the page answers with a hint rather than a refused request.
    await page.getByText('Herald needs a credential').first().waitFor()
    // The editors are CodeMirror 5; their instances are on their elements.
    await page.locator('.graphiql-editor-tools button[data-name=headers]').click()
    await page.evaluate((value) => {
      const editor = document.querySelector('section.graphiql-editor-tool[aria-label=Headers] .graphiql-editor:not(.hidden) .CodeMirror') as any
      editor.CodeMirror.setValue(value)
    }, JSON.stringify({ Authorization: `Bearer ${token}` }))
    await page.evaluate((value) => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as any
      editor.CodeMirror.setValue(value)
    }, '{ viewer { kind role organization { name } } }')
    await page.getByRole('button', { name: /Execute query/ }).click()
    const result = page.locator('.graphiql-response .CodeMirror')
    await result.getByText('"Org browser"').waitFor()
    const text = await page.evaluate(() => (document.querySelector('.graphiql-response .CodeMirror') as any).CodeMirror.getValue())
    t.same(JSON.parse(text), { data: { viewer: { kind: 'user', role: 'owner', organization: { name: 'Org browser' } } } })
    t.same(problems, [], 'no console error, CSP violation or foreign request')
  })
})
