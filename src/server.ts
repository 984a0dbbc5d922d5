import { growYoungGenerationUnderLoad, holdYoungGeneration } from './lib/young-generation.js'

// Process entry. Before any other module loads, V8's young generation is held at its initial
// size (src/lib/young-generation.ts: start-up would otherwise grow it to its maximum and keep
// that memory committed while idle); then Herald starts (src/main.ts), and once it serves, the
// young generation may grow again when load comes.
holdYoungGeneration()
const { start } = await import('./main.js')
await start()
growYoungGenerationUnderLoad()
