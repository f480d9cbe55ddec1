import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Compile server/ and common/ to plain ESM JavaScript in dist/server and dist/common (esbuild, one
 * file per source file, same layout, no bundling), so production runs `node dist/server/main.js`
 * without tsx: faster start and less memory (docs/OPERATIONS.md "Production start"). Packages are
 * found in the project's node_modules and db/migrations, data/ and dist/web from the project root
 * (server/paths.ts), so nothing else is copied. Run by `npm start` and `npm run build`.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Compile into `outDir` (default dist/); returns the path of the compiled entry point. */
export async function buildServer(outDir = join(ROOT, 'dist')): Promise<string> {
  for (const d of ['server', 'common']) rmSync(join(outDir, d), { recursive: true, force: true });
  await build({
    entryPoints: [...sources(join(ROOT, 'server')), ...sources(join(ROOT, 'common'))],
    outdir: outDir,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  return join(outDir, 'server', 'main.js');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const main = await buildServer();
  console.log(`server compiled to ${main} in ${Math.round(performance.now() - t0)} ms`);
}
