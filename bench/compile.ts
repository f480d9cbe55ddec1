import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Compile server/ and common/ to plain ESM JavaScript (esbuild, one file per source file, same
 * layout) in `out`, with db/migrations copied and node_modules linked, so the server can start with
 * plain `node out/server/main.js` instead of `tsx`. Used by the startup/memory bench to compare.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

export async function compileServer(out: string): Promise<string> {
  await build({
    entryPoints: [...sources(join(ROOT, 'server')), ...sources(join(ROOT, 'common'))],
    outdir: out,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  mkdirSync(join(out, 'db'), { recursive: true });
  cpSync(join(ROOT, 'db/migrations'), join(out, 'db/migrations'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  return join(out, 'server/main.js');
}
