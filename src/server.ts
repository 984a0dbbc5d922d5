import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadBundle } from './lib/code-cache.js'
import { growYoungGenerationUnderLoad, holdYoungGeneration } from './lib/young-generation.js'

// Process entry. Before any other module loads, V8's young generation is held at its initial
// size (src/lib/young-generation.ts: start-up would otherwise grow it to its maximum and keep
// that memory committed while idle); then Herald starts (src/main.ts), and once it serves, the
// young generation may grow again when load comes.
// Built (dist/server.js), Herald is the bundle beside this file, dist/main.cjs, run with its
// code cache (src/lib/code-cache.ts); `--write-code-cache` is the build's warm-up, which
// writes that cache. From src/ (tsx), it is src/main.ts.
holdYoungGeneration()
type Main = typeof import('./main.js')
const bundleFile = fileURLToPath(new URL('./main.cjs', import.meta.url))
const bundle = existsSync(bundleFile) ? loadBundle<Main>(bundleFile) : undefined
const main: Main = bundle?.exports ?? await import('./main.js')
if (process.argv.includes('--write-code-cache')) {
  if (!bundle) throw new Error(`--write-code-cache: no bundle at ${bundleFile} (npm run build)`)
  await main.prepareCodeCache()
  bundle.writeCodeCache()
} else {
  await main.start({ codeCache: bundle?.codeCache })
  growYoungGenerationUnderLoad()
}
