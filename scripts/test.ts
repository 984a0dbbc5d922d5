// `npm test`'s runner: prepares one migrated template database, then runs tap, whose test
// files each clone their own database from it. Uses DATABASE_URL when set, otherwise an
// embedded PostgreSQL kept under .data/test (never the one `npm start` uses).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'

function withDatabase (url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

/**
 * The Zapier integration (integrations/zapier) is its own package, as the Zapier CLI uploads it;
 * `npm test` installs its locked dependencies when they are missing, so that `npm ci && npm test`
 * on a fresh clone is still all it takes.
 */
function installZapierIntegration (): void {
  const dir = path.join(import.meta.dirname, '..', 'integrations', 'zapier')
  if (existsSync(path.join(dir, 'node_modules', 'zapier-platform-core'))) return
  console.log('# installing integrations/zapier (npm ci --prefix integrations/zapier)')
  const r = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('npm ci --prefix integrations/zapier failed')
}

async function main (): Promise<number> {
  installZapierIntegration()
  const config = loadConfig()
  let embedded: EmbeddedDatabase | undefined
  let adminUrl = config.databaseUrl
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'test'))
    adminUrl = embedded.url
  }
  const output: Buffer[] = []
  const template = `herald_tpl_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${template}`)
    await runMigrations(withDatabase(adminUrl, template))
    const args = process.argv.slice(2)
    const code = await new Promise<number>((resolve) => {
      const child = spawn('npx', ['tap', ...args], {
        stdio: ['inherit', 'pipe', 'inherit'],
        env: { ...process.env, HERALD_TEST_ADMIN_URL: adminUrl, HERALD_TEST_TEMPLATE: template, NODE_ENV: 'test' }
      })
      child.stdout.on('data', (chunk: Buffer) => { process.stdout.write(chunk); output.push(chunk) })
      child.on('exit', (c) => resolve(c ?? 1))
    })
    if (code !== 0) printFailures(Buffer.concat(output).toString('utf8'))
    return code
  } finally {
    // Drop the template and anything a crashed test file left behind.
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2', [`${template}_%`, template])
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {})
    await admin.end()
    await embedded?.stop()
  }
}

/**
 * Repeats every failed test with its diagnostics at the very end of the output, so that a CI log
 * that keeps only its tail (11,000 passing lines above) still says what failed and why.
 */
function printFailures (output: string): void {
  const lines = output.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok /.exec(lines[i])
    if (!m) continue
    out.push(lines[i])
    // The YAML block after a failed test point is indented two more spaces and ends with '...'.
    if (lines[i + 1]?.trim() === '---') {
      for (let j = i + 1; j < lines.length && j < i + 60; j++) {
        out.push(lines[j])
        if (lines[j].trim() === '...') break
      }
    }
  }
  console.log('\n# ==== failed tests (repeated from above) ====')
  console.log(out.length > 0 ? out.join('\n') : '# (tap failed without a failed test point: see the output above)')
}

main().then((code) => process.exit(code), (err) => {
  console.error(err)
  process.exit(1)
})
