import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, businessDays, isValidDay } from '../server/sim/calendar.js';
import { ensureDemoOffices, memoizePrepare } from '../server/sim/demo.js';
import { chuoProfile, genericProfile, higashiProfile } from '../server/sim/profiles.js';
import { simulate, type OfficeProfile } from '../server/sim/simulate.js';
import { openDatabase, type DB } from '../server/store/db.js';

/**
 * npm run simulate -- [--db path] [--office chuo] [--from 2026-03-23] [--days 5] [--seed s] [--scale 1]
 * Simulates business days of an office through the real engine and prints what waiting looked like.
 */
const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    office: { type: 'string', default: 'chuo' },
    from: { type: 'string', default: '2026-03-23' },
    days: { type: 'string', default: '5' },
    seed: { type: 'string', default: 'madoguchi' },
    scale: { type: 'string', default: '1' },
    'reform-year': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (values.help) {
  console.log(`npm run simulate -- [--db path] [--office id] [--from yyyy-MM-dd] [--days n] [--seed text] [--scale n] [--reform-year yyyy]
  --db      database file (default $MADOGUCHI_DB or data/madoguchi.db); created and seeded if new
  --office  chuo, higashi (the demo offices, created if missing) or any office id in the database
  --from    first day; --days business days are simulated from it (weekends and holidays skipped)
  --seed    same seed, same history; --scale multiplies arrivals (1 = the calibrated office)`);
  process.exit(0);
}

const from = values.from!;
if (!isValidDay(from)) fail(`--from must be a date yyyy-MM-dd, got ${from}`);
const nDays = Number(values.days);
if (!Number.isInteger(nDays) || nDays < 1 || nDays > 2000) fail('--days must be a whole number from 1 to 2000');
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 20)) fail('--scale must be a number above 0 (at most 20)');
const officeId = values.office!;

const days: string[] = [];
for (let d = from; days.length < nDays; d = addDays(d, 1)) days.push(...businessDays(d, d));

const dbPath = resolve(values.db ?? process.env.MADOGUCHI_DB ?? 'data/madoguchi.db');
const db: DB = openDatabase(dbPath);
try {
  if (officeId === 'chuo' || officeId === 'higashi') {
    const created = await ensureDemoOffices(db);
    if (created) console.log(`  サインイン Sign in: ${created.logins.join(', ')} — 初期パスワード initial password: ${process.env.MADOGUCHI_ADMIN_PASSWORD ? '(MADOGUCHI_ADMIN_PASSWORD)' : created.password}`);
  }
  const kiosk = (db.prepare("SELECT id FROM devices WHERE office_id = ? AND kind = 'kiosk' ORDER BY id LIMIT 1").get(officeId) as { id: string } | undefined)?.id ?? null;
  let profile: OfficeProfile;
  if (officeId === 'chuo') profile = chuoProfile({ reformYear: values['reform-year'] ? Number(values['reform-year']) : undefined, kioskDeviceId: kiosk });
  else if (officeId === 'higashi') profile = higashiProfile({ kioskDeviceId: kiosk });
  else profile = genericProfile(db, officeId);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  memoizePrepare(db);
  const t0 = performance.now();
  const [s] = simulate({ db, profiles: [profile], days, seed: values.seed!, scale, dayTransaction: true });
  const ms = performance.now() - t0;
  console.log(`Simulated ${officeId}: ${days.length} business days ${days[0]} … ${days.at(-1)} (seed ${values.seed}, scale ${scale}) in ${(ms / 1000).toFixed(1)} s → ${dbPath}`);
  console.log(`  tickets ${s!.tickets} (${(s!.tickets / days.length).toFixed(0)} a day)  steps ${s!.steps}  served ${s!.served}  transferred ${s!.transferred}  no-shows ${s!.noShows}  unserved at close ${s!.unserved}`);
  console.log(`  wait: mean ${s!.meanWaitMin.toFixed(1)} min  p90 ${s!.p90WaitMin.toFixed(1)} min  max ${s!.maxWaitMin.toFixed(0)} min`);
} catch (err) {
  console.error(`simulate failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  db.close();
}
