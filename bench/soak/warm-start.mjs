// A server process started ahead of time for the soak (bench/soak/server.ts): it loads the
// compiled server's modules (everything server/main.js imports, and routers.js), then waits for one
// line on stdin and only then runs main.js itself — opening the database, recovering the WAL,
// migrating and listening exactly as `node dist/server/main.js` does. A SIGKILL restart then costs
// the recovery and start-up, not Node's module loading, so a thousand kills fit in an hour.
// Plain JavaScript, so `node` runs it without tsx.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = resolve(process.argv[2]);
const dir = dirname(entry);
const src = readFileSync(entry, 'utf8');
const specs = [...src.matchAll(/(?:from\s+|import\()\s*"(\.[^"]+)"/g)].map((m) => m[1]);
for (const s of specs) await import(pathToFileURL(resolve(dir, s)).href);
process.stdout.write('warm\n');
process.stdin.setEncoding('utf8');
process.stdin.once('data', () => {
  process.stdin.pause();
  process.stdin.destroy();
  void import(pathToFileURL(entry).href);
});
