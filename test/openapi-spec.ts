// openapi.yaml parsed once per change of the file, not once per test file: the YAML is ~700 kB
// and parsing it cost each of the suite's ~100 processes 0.5–1.5 s of CPU (a fifth of loading
// test/helper.ts). The parsed document is kept as JSON under .tap/, named by the YAML's hash,
// so an edited contract is parsed again and a stale cache can never be read.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { openapiPath } from '../src/plugins/openapi.js'

function load (): any {
  const text = readFileSync(openapiPath, 'utf8')
  const dir = path.join(path.dirname(openapiPath), '.tap', 'openapi-cache')
  const file = path.join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    const spec = parse(text)
    try {
      mkdirSync(dir, { recursive: true })
      // Written aside and renamed: files starting together never read a half-written cache.
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
      writeFileSync(tmp, JSON.stringify(spec))
      renameSync(tmp, file)
    } catch { /* a read-only checkout parses every time */ }
    return spec
  }
}

/** openapi.yaml as parsed by the `yaml` package (a fresh object per process). */
export const spec = load()
