// Generates typed clients from openapi.yaml with the three generators integrators use
// (openapi-typescript, @hey-api/openapi-ts, orval), then compiles them together with the
// programs in test/contract/client-program/ under tsc --strict. Any generator warning or
// type error fails. `npm run contract:clients [dir]` leaves the result in dir (a temporary
// one by default); test/contract/clients.test.ts runs it and then runs the compiled program
// against a real Herald.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../src/lib/project-files.js'

// The checkout, from the nearest package.json (the tests run a compiled copy of this file).
export const ROOT = projectRoot
const bin = (pkg: string, file: string) => path.join(ROOT, 'node_modules', pkg, file)

function run (what: string, args: string[], cwd: string): string {
  const res = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}):\n${out}`)
  // A generator that warns about the contract is a finding, not noise.
  const warnings = out.split('\n').filter((l) => /\bwarn(ing)?\b/i.test(l) && !/EBADENGINE|ExperimentalWarning/.test(l))
  if (warnings.length) throw new Error(`${what} warned:\n${warnings.join('\n')}`)
  return out
}

export interface GeneratedClients { dir: string, program: (name: string) => string }

export function generateClients (dir = mkdtempSync(path.join(tmpdir(), 'herald-clients-'))): GeneratedClients {
  const spec = path.join(ROOT, 'openapi.yaml')
  const gen = path.join(dir, 'generated')
  mkdirSync(gen, { recursive: true })
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }))

  run('openapi-typescript', [bin('openapi-typescript', 'bin/cli.js'), spec, '-o', path.join(gen, 'openapi-typescript/schema.d.ts')], dir)

  // Relative imports with .js, so that the compiled client runs as ES modules under Node.
  writeFileSync(path.join(dir, 'openapi-ts.config.mjs'), `export default ${JSON.stringify({
    input: spec,
    output: { path: path.join(gen, 'hey-api'), importFileExtension: '.js' },
    plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk']
  })}\n`)
  run('@hey-api/openapi-ts', [bin('@hey-api/openapi-ts', 'bin/run.js'), '-f', path.join(dir, 'openapi-ts.config.mjs'), '--no-log-file'], dir)

  run('orval', [bin('orval', 'dist/bin/orval.mjs'), '-i', spec, '-o', path.join(gen, 'orval/herald.ts'), '--client', 'fetch', '--mode', 'single', '--fail-on-warnings'], dir)

  cpSync(path.join(ROOT, 'test/contract/client-program'), path.join(dir, 'program'), { recursive: true })
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      // The generated code is checked too, not only the program's use of it.
      skipLibCheck: false,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      types: ['node'],
      outDir: 'out',
      rootDir: '.'
    },
    include: ['generated', 'program']
  }, null, 2))
  run('tsc', [bin('typescript', 'bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], dir)
  return { dir, program: (name) => path.join(dir, 'out/program', `${name}.js`) }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { dir } = generateClients(process.argv[2] ? path.resolve(process.argv[2]) : undefined)
  console.log(`Typed clients generated and compiled without errors in ${dir}`)
}
