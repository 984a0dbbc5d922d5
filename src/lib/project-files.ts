import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Files Herald reads at run time from its own checkout or image (migrations, the contracts,
// package.json, static pages), found from the directory that holds package.json: the same from
// src/ (tsx), from the one-file build in dist/ (npm run build) and in the image (/app).
function findRoot (): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    const up = path.dirname(dir)
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url))
    dir = up
  }
}

export const projectRoot = findRoot()

/** A path below the project root: projectFile('migrations'), projectFile('openapi.yaml'). */
export const projectFile = (...parts: string[]): string => path.join(projectRoot, ...parts)
