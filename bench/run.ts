import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './types.js';

/**
 * `npm run bench`: runs every `bench/*.bench.ts` one after the other (each exports
 * `default async function run(): Promise<BenchRow[]>`), prints one table and writes
 * `bench/results.json`. A bench that throws is reported and skipped; timings never fail the run.
 * `npm run bench -- throughput latency` runs only the benches whose file name contains a word.
 */
const HERE = dirname(fileURLToPath(import.meta.url));

interface Result {
  bench: string;
  ms: number;
  rows: BenchRow[];
  error?: string;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function table(rows: BenchRow[]): string {
  const head = ['benchmark', 'value', 'unit', 'baseline', 'baseline name', 'ratio', 'target'];
  const body = rows.map((r) => [r.name, fmt(r.value), r.unit, fmt(r.baseline), r.baselineName, `${fmt(r.ratio)}×`, r.target ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 3 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  const results: Result[] = [];
  for (const f of files) {
    const started = performance.now();
    process.stdout.write(`▶ ${f} … `);
    try {
      const mod = (await import(pathToFileURL(join(HERE, f)).href)) as { default: () => Promise<BenchRow[]> };
      const rows = await mod.default();
      const ms = performance.now() - started;
      results.push({ bench: f, ms, rows });
      console.log(`${(ms / 1000).toFixed(1)} s`);
    } catch (err) {
      const ms = performance.now() - started;
      results.push({ bench: f, ms, rows: [], error: String((err as Error)?.stack ?? err) });
      console.log(`failed after ${(ms / 1000).toFixed(1)} s: ${(err as Error)?.message ?? err}`);
    }
  }
  const rows = results.flatMap((r) => r.rows);
  console.log('\n' + table(rows) + '\n');
  const out = resolve(HERE, 'results.json');
  writeFileSync(
    out,
    JSON.stringify({ at: new Date().toISOString(), node: process.version, platform: `${process.platform} ${process.arch}`, results }, null, 2) + '\n',
  );
  console.log(`written ${out}`);
  // Benches are figures, not tests: exit 0 even when a target is missed or a bench failed.
  process.exit(0);
}

void main();
