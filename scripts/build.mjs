// `npm run build`'s bundle: Herald's own code, and drizzle-orm, in one file (dist/server.js);
// every other package stays in node_modules and is loaded from there.
//
// Why drizzle-orm goes in: it is ~500 small ES modules under one 179 kB package.json, and Node
// resolves each of them at start-up. On Node 20 that is ~130 ms of the start; on Node 26 (the
// image) its package.json reader made the same imports take ~0.5 s and keep ~150 MiB of heap
// (measured 2026-12-01: `await import('drizzle-orm')` alone, 9 vs 168 MiB). drizzle-orm is
// plain JavaScript that reads no file of its own, so bundling it changes nothing else. The
// other packages stay external: embedded PostgreSQL's per-platform binaries, native argon2 and
// packages that read files beside themselves would each need an exception (see README).
// `node scripts/build.mjs [outfile]`: dist/server.js unless told (a test builds its own copy).
import { build } from 'esbuild'

const BUNDLED = /^drizzle-orm(\/|$)/

await build({
  entryPoints: ['src/server.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  outfile: process.argv[2] ?? 'dist/server.js',
  plugins: [{
    name: 'packages-external-but-drizzle',
    setup (b) {
      // A bare specifier (a package or a node: builtin) stays an import unless it is drizzle-orm.
      b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.test(args.path) ? undefined : { path: args.path, external: true }))
    }
  }]
})
