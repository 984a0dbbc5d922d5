// `npm run build`'s bundle: Herald's own code, and drizzle-orm, in one file (dist/main.js, which
// the entry dist/server.js imports); every other package stays in node_modules and is loaded
// from there.
//
// Why drizzle-orm goes in: it is ~500 small ES modules under one 179 kB package.json, and Node
// resolves each of them at start-up. On Node 20 that is ~130 ms of the start; on Node 26 (the
// image) its package.json reader made the same imports take ~0.5 s and keep ~150 MiB of heap
// (measured 2026-12-01: `await import('drizzle-orm')` alone, 9 vs 168 MiB). drizzle-orm is
// plain JavaScript that reads no file of its own, so bundling it changes nothing else. The
// other packages stay external: embedded PostgreSQL's per-platform binaries, native argon2 and
// packages that read files beside themselves would each need an exception (see README).
// The entry (dist/server.js) is a small file of its own that imports the rest (dist/main.js:
// src/main.ts and everything it imports, one file) once the young generation is held
// (src/lib/young-generation.ts): an ES module's static imports all load before its own code
// runs, so in one file the packages would load, and grow the young generation, first.
// `node scripts/build.mjs [outfile]`: dist/server.js unless told (a test builds its own copy);
// main.js goes beside it.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const BUNDLED = /^drizzle-orm(\/|$)/
const outfile = process.argv[2] ?? 'dist/server.js'

// A bare specifier (a package or a node: builtin) stays an import unless it is drizzle-orm.
const packagesExternalButDrizzle = {
  name: 'packages-external-but-drizzle',
  setup (b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.test(args.path) ? undefined : { path: args.path, external: true }))
  }
}
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' }

const main = path.join(path.dirname(outfile), 'main.js')
await build({ ...common, entryPoints: ['src/main.ts'], outfile: main, plugins: [packagesExternalButDrizzle] })
// V8 keeps a module's source for as long as the module lives (functions compile lazily), and a
// source with one character outside ASCII is kept as UTF-16: twice its size. esbuild escapes
// strings but keeps comments (and two regular expressions) as written, so the few characters
// left (×, →, …, ＃) are written as \u escapes, which mean the same there: the bundle's 1.2 MB
// stay 1.2 MB of heap instead of 2.3.
writeFileSync(main, readFileSync(main, 'utf8').replace(/[^\0-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')))
await build({
  ...common,
  entryPoints: ['src/server.ts'],
  outfile,
  plugins: [packagesExternalButDrizzle, {
    name: 'main-beside',
    setup (b) {
      b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './main.js', external: true }))
    }
  }]
})
