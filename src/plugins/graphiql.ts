import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import fp from 'fastify-plugin'
import { projectFile } from '../lib/project-files.js'

// GraphiQL at /graphiql, served entirely by Herald: graphiql's UMD build and React 18 from the
// installed packages, and a small page and script of our own (static/graphiql/). Mercurius'
// own GraphiQL loads them from unpkg.com, which Herald's Content-Security-Policy blocks and
// which needs the internet. The packages are devDependencies: GraphiQL is a development tool
// (off by default when NODE_ENV=production), and the production image does not carry them.

// Our own page and script, below the project root (src/ under tsx, the one-file dist/ build).
const own = projectFile('static/graphiql')
const require = createRequire(import.meta.url)

/** What each asset URL serves: a file of an installed package, or one of ours. */
const ASSETS: Record<string, { pkg?: string, file: string, type: string }> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
  'herald.js': { file: 'herald.js', type: 'text/javascript; charset=utf-8' },
  'herald.css': { file: 'herald.css', type: 'text/css; charset=utf-8' }
}

function locate (pkg: string | undefined, file: string): string {
  if (!pkg) return path.join(own, file)
  try {
    // package.json is exported by all three; the UMD files are not, so go by its folder.
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file)
  } catch {
    throw new Error(`GraphiQL is on (GRAPHIQL, or NODE_ENV other than production) but the package "${pkg}" is not installed: it is a devDependency, so run "npm ci", or set GRAPHIQL=false.`)
  }
}

export default fp(async (app) => {
  const files = Object.fromEntries(Object.entries(ASSETS).map(([name, a]) => [name, { path: locate(a.pkg, a.file), type: a.type }]))
  const page = await readFile(path.join(own, 'index.html'))
  const cache = new Map<string, Buffer>()
  const config = { auth: 'public' as const, rateLimit: false as const }

  app.get('/graphiql', { config }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page))

  app.get<{ Params: { asset: string } }>('/graphiql/:asset', { config }, async (req, reply) => {
    const asset = files[req.params.asset]
    if (!asset) return reply.callNotFound()
    let body = cache.get(asset.path)
    if (!body) cache.set(asset.path, body = await readFile(asset.path))
    return reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(body)
  })
}, { name: 'graphiql' })
