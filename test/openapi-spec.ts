// openapi.yaml parsed once per change of the file, not once per test file: the YAML is ~700 kB
// and parsing it cost each of the suite's ~100 processes 0.5–1.5 s of CPU (a fifth of loading
// test/helper.ts). The parsed document is kept as JSON under .tap/, named by the YAML's hash,
// so an edited contract is parsed again and a stale cache can never be read.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { openapiPath } from '../src/plugins/openapi.js'

const text = readFileSync(openapiPath, 'utf8')

/** The first 32 hex digits of a SHA-256. */
export const shortHash = (value: string | Buffer): string => createHash('sha256').update(value).digest('hex').slice(0, 32)

/** The hash of openapi.yaml as this process read it: what every cached artefact of it is named by. */
export const contractHash = shortHash(text)

/** Where artefacts derived from openapi.yaml are kept (below the checkout, ignored by git). */
export const openapiCacheDir = path.join(path.dirname(openapiPath), '.tap', 'openapi-cache')

/**
 * Writes a cache file aside and renames it into place, so that processes starting together
 * never read a half-written one; a read-only checkout simply does without the cache.
 */
export function writeCacheFile (file: string, content: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true })
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
    writeFileSync(tmp, content)
    renameSync(tmp, file)
  } catch { /* a read-only checkout parses (or compiles) every time */ }
}

function load (): any {
  const file = path.join(openapiCacheDir, `${contractHash}.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    const spec = parse(text)
    writeCacheFile(file, JSON.stringify(spec))
    return spec
  }
}

/** openapi.yaml as parsed by the `yaml` package (a fresh object per process). */
export const spec = load()
