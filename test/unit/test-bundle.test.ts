import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { decode, encode } from '@jridgewell/sourcemap-codec'
import { bundleTests, onlySources } from '../../scripts/test-bundle.js'

// npm test runs each test file as a bundle (scripts/test-bundle.ts): a bundled file must behave
// as its source does, and a failure must still point into the TypeScript.

t.test('the source maps keep only the mappings into the kept files, each ended where a dropped one begins', async (t) => {
  const map = {
    version: 3,
    sources: ['../node_modules/x/index.js', '../src/a.ts'],
    names: [],
    // Line 1: src/a.ts, then the package, then src/a.ts again; line 2: the package only.
    mappings: encode([[[0, 1, 0, 0], [10, 0, 5, 0], [20, 1, 1, 0]], [[0, 0, 7, 0]]])
  }
  const kept = onlySources(map, (s) => !s.split('/').includes('node_modules'))
  t.same(kept.sources, ['../src/a.ts'])
  t.same(decode(kept.mappings), [[[0, 0, 0, 0], [10], [20, 0, 1, 0]], [[0]]], 'the package\'s code maps nowhere, not to the line of a.ts before it')
})

t.test('a bundled file runs as its source: its own location, a package\'s named exports through import(), a stack into the TypeScript', async (t) => {
  const dir = t.testdir({
    'a.ts': [
      "import { stringify } from 'yaml'",
      'export const where: string = import.meta.url',
      'export const text = stringify({ b: 2 })',
      "export async function parsed (): Promise<unknown> { const { parse } = await import('yaml'); return parse('a: 1') }",
      "export function fail (): never { throw new Error('from a.ts') }",
      ''
    ].join('\n'),
    'main.test.ts': [
      "import { fail, parsed, text, where } from './a.js'",
      'let stack = \'\'',
      'try { fail() } catch (err) { stack = String((err as Error).stack) }',
      'console.log(JSON.stringify({ where, text, parsed: await parsed(), stack }))',
      ''
    ].join('\n')
  })
  const out = path.join(dir, 'out')
  await bundleTests(dir, ['main.test.ts'], out)
  const run = spawnSync(process.execPath, ['--enable-source-maps', path.join(out, 'main.test.js')], { encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  const seen = JSON.parse(run.stdout)
  t.equal(seen.where, pathToFileURL(path.join(dir, 'a.ts')).href, 'import.meta.url is the source file\'s')
  t.equal(seen.text, 'b: 2\n', 'a package imported statically works')
  t.same(seen.parsed, { a: 1 }, 'a CommonJS package loaded with import() has its named exports')
  t.match(seen.stack, /a\.ts:5:\d+/, 'the stack points into a.ts, line 5')
  const maps = JSON.parse(readFileSync(path.join(out, 'main.test.js.map'), 'utf8')) as { sources: string[] }
  t.notOk(maps.sources.some((s) => s.includes('node_modules')), `no package in the map: ${maps.sources.join(', ')}`)
})
