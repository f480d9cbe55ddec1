import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo } from '../server/sim/demo.js';
import { openDatabase } from '../server/store/db.js';

/**
 * npm run demo [-- --db data/madoguchi.db --from 2024-11-25 --to 2026-11-24 --seed madoguchi-demo --scale 1 --full | --small]
 * Seeds 中央区役所 and 東区役所 with simulated history (server/sim/demo.ts). Stop the server first.
 */
const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    'reform-year': { type: 'string' },
    small: { type: 'boolean' },
    full: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('npm run demo -- [--db path] [--from yyyy-MM-dd] [--to yyyy-MM-dd] [--seed text] [--scale n] [--reform-year yyyy] [--full] [--small]\n  default: two years up to yesterday, busy seasons (1 Mar – 30 Apr) in full plus one week a month; --full: every business day');
  process.exit(0);
}

const dbPath = resolve(values.db ?? process.env.MADOGUCHI_DB ?? 'data/madoguchi.db');
const scale = values.scale === undefined ? undefined : Number(values.scale);
if (scale !== undefined && !(scale > 0)) {
  console.error('--scale must be a positive number');
  process.exit(2);
}
const db = openDatabase(dbPath);
let lastYear = '';
try {
  const result = await seedDemo(db, {
    from: values.from, to: values.to, seed: values.seed, scale, small: values.small, coverage: values.full ? 'full' : 'seasons',
    reformYear: values['reform-year'] ? Number(values['reform-year']) : undefined,
    onDay: ({ day }) => {
      const ym = day.slice(0, 7);
      if (ym !== lastYear) {
        lastYear = ym;
        process.stdout.write(`\r  simulating ${ym} …`);
      }
    },
  });
  process.stdout.write('\r');
  console.log(`Demo data in ${dbPath}: ${result.days.length} business days (${result.days[0]} … ${result.days.at(-1)}) in ${(result.ms / 1000).toFixed(1)} s`);
  for (const s of result.offices) {
    console.log(`  ${s.officeId.padEnd(8)} tickets ${s.tickets}  steps ${s.steps}  mean wait ${s.meanWaitMin.toFixed(1)} min  p90 ${s.p90WaitMin.toFixed(1)} min  max ${s.maxWaitMin.toFixed(0)} min  no-shows ${s.noShows}  unserved at close ${s.unserved}`);
  }
  if (result.created) {
    console.log(`  サインイン Sign in: ${result.created.logins.join(', ')} — 初期パスワード initial password: ${process.env.MADOGUCHI_ADMIN_PASSWORD ? '(MADOGUCHI_ADMIN_PASSWORD)' : result.created.password}`);
  }
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  db.close();
}
