import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the nearest folder above this file that holds `db/migrations`. Works the same
 * when the server runs from source (`server/paths.ts` under tsx) and when it runs compiled
 * (`dist/server/paths.js` under plain node): data/, dist/web and db/migrations are found from it.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'db', 'migrations'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot();

/** Resolve a path relative to the project root (absolute paths are returned unchanged). */
export function fromRoot(p: string): string {
  return resolve(PROJECT_ROOT, p);
}
