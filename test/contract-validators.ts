// Validators for the responses the tests receive, compiled by Ajv from openapi.yaml once per
// change of the contract rather than once per test process: compiling a route's response
// schema (its $refs into a ~1 MB document, all errors, formats) cost each of the suite's ~100
// app-test processes ~0.5 s of CPU, and bad-input/fuzz, which reach every route, several
// seconds. A compiled validator is kept as Ajv's standalone module under .tap/, named by the
// contract's hash, the Ajv version and the schema's place in the document, so an edited
// contract compiles afresh and a stale validator can never be used. Ajv itself (and the
// document added to it) is loaded only by a process that meets a schema not compiled yet.
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ValidateFunction } from 'ajv'
import { contractHash, openapiCacheDir, shortHash, spec, writeCacheFile } from './openapi-spec.js'

const require = createRequire(import.meta.url)
const ajvVersion = (require('ajv/package.json') as { version: string }).version
const dir = path.join(openapiCacheDir, `validators-${contractHash}-ajv${ajvVersion}`)

let compiler: { compile: (schema: object) => ValidateFunction, source: (v: ValidateFunction) => string } | undefined

/** Ajv with the whole document added as `openapi`, emitting standalone code as it compiles. */
function ajvCompiler (): NonNullable<typeof compiler> {
  if (compiler) return compiler
  const { default: Ajv2020, _ } = require('ajv/dist/2020.js')
  const addFormats = require('ajv-formats')
  const standaloneCode = require('ajv/dist/standalone/index.js').default
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: true,
    // Formats are referenced, not inlined, by the standalone code: from ajv-formats at run time.
    code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` }
  })
  addFormats(ajv)
  ajv.addSchema(spec, 'openapi')
  compiler = { compile: (schema) => ajv.compile(schema), source: (v) => standaloneCode(ajv, v) }
  return compiler
}

/** The schema at `pointer` compiled by Ajv here, without the cache. */
export const compileValidator = (pointer: string): ValidateFunction => ajvCompiler().compile({ $ref: `openapi#${pointer}` })

/**
 * The validator of the schema at `pointer` (a JSON pointer into openapi.yaml, '/paths/…'): from
 * the cache when a process compiled it before, otherwise compiled here and added to the cache.
 */
export function cachedValidator (pointer: string): ValidateFunction {
  const file = path.join(dir, `${shortHash(pointer)}.cjs`)
  try {
    return require(file) as ValidateFunction
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err
  }
  const validate = compileValidator(pointer)
  writeCacheFile(file, ajvCompiler().source(validate))
  return validate
}
