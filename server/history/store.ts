import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors.js';
import type { LocalizedText } from '../../common/types.js';
import { businessDay } from '../queue/time.js';
import type { DB } from '../store/db.js';
import { LocalTime } from '../reports/stats.js';
import { decode, mappingSchema, parseMadoguchi, parseMapped, type ImportTarget, type ImportTicket, type Mapping, type Parsed, type RowError } from './parse.js';

/**
 * History import, database half. Imported tickets and steps go into the same tables as recorded
 * ones (so every report counts them by the same queries, exactly and as fast), marked with their
 * batch (`import_batch`) and keyed (`tickets.import_key` = business day + number, unique per
 * office) so the same rows imported again add nothing. They are always ended and on a business day
 * before today: the engine loads only today's tickets and open steps, so they never enter the live
 * queue; no event is written for them (the event log is what happened at this office's counters).
 */

/** Tickets from a foreign system get this prefix (numbered 1, 2 … per day) so they never meet a recorded number. */
export const HISTORY_PREFIX = '履';
export const SAMPLE_ROWS = 10;

export type ImportFormat = 'madoguchi' | 'mapped';

export interface ImportRequest {
  officeId: string;
  format: ImportFormat;
  /** Name of a saved mapping (format 'mapped'). */
  mapping?: string;
  bytes: Buffer;
}

export interface PreviewRow {
  line: number;
  businessDay: string;
  display: string;
  seq: number;
  serviceId: string;
  service: string;
  outcome: string;
  issuedAt: string;
  enqueuedAt: string;
  firstCalledAt: string | null;
  endedAt: string;
  waitMin: number | null;
}

export interface Preview {
  officeId: string;
  format: ImportFormat;
  mapping: string | null;
  sha256: string;
  /** Data rows read (the header not counted). */
  rows: number;
  tickets: number;
  steps: number;
  /** Tickets of the file already imported (same office, business day and number): skipped. */
  alreadyImported: number;
  /** What confirming would add. */
  newTickets: number;
  newSteps: number;
  firstDay: string | null;
  lastDay: string | null;
  byService: { serviceId: string; name: string; steps: number }[];
  byOutcome: Record<string, number>;
  sample: PreviewRow[];
  /** Per-row errors with the file's line numbers (1 = header); any error means nothing can be imported. */
  errors: RowError[];
}

export interface Batch {
  id: number;
  officeId: string;
  source: string;
  format: ImportFormat;
  mappingName: string | null;
  fileName: string | null;
  sha256: string;
  tickets: number;
  steps: number;
  firstDay: string;
  lastDay: string;
  createdAt: number;
  createdBy: string | null;
  removedAt: number | null;
  removedBy: string | null;
}

function target(db: DB, officeId: string, now: number): ImportTarget {
  const o = db.prepare('SELECT id, name_json, timezone FROM offices WHERE id = ?').get(officeId) as { id: string; name_json: string; timezone: string } | undefined;
  if (!o) throw new AppError('OFFICE_NOT_FOUND', { officeId });
  const services = db.prepare('SELECT id, name_json FROM services WHERE office_id = ?').all(officeId) as { id: string; name_json: string }[];
  const counters = db.prepare('SELECT id, name_json FROM counters WHERE office_id = ?').all(officeId) as { id: string; name_json: string }[];
  const staff = db.prepare('SELECT id, name FROM staff WHERE office_id = ? OR office_id IS NULL').all(officeId) as { id: string; name: string }[];
  const byName = (rows: { id: string; name_json: string }[]) => new Map(rows.map((r) => [(JSON.parse(r.name_json) as LocalizedText).ja, r.id]));
  // A clerk's name maps to an account only when one account has it; else the name is kept as it is.
  const names = new Map<string, string | null>();
  for (const s of staff) names.set(s.name, names.has(s.name) ? null : s.id);
  return {
    officeId,
    timezone: o.timezone,
    officeName: (JSON.parse(o.name_json) as LocalizedText).ja,
    today: businessDay(now, o.timezone),
    serviceIds: new Set(services.map((s) => s.id)),
    serviceByName: byName(services),
    counterByName: byName(counters),
    staffByName: new Map([...names].filter((e): e is [string, string] => e[1] !== null)),
  };
}

export function getMapping(db: DB, name: string): Mapping {
  const row = db.prepare('SELECT mapping_json FROM import_mappings WHERE name = ?').get(name) as { mapping_json: string } | undefined;
  if (!row) throw new AppError('IMPORT_MAPPING_NOT_FOUND', { name });
  return mappingSchema.parse(JSON.parse(row.mapping_json));
}

export function listMappings(db: DB): { name: string; mapping: Mapping; updatedAt: number; updatedBy: string | null }[] {
  return (db.prepare('SELECT name, mapping_json, updated_at, updated_by FROM import_mappings ORDER BY name').all() as { name: string; mapping_json: string; updated_at: number; updated_by: string | null }[]).map((r) => ({
    name: r.name,
    mapping: JSON.parse(r.mapping_json) as Mapping,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

export function saveMapping(db: DB, name: string, mapping: Mapping, now: number, by: string | null): void {
  db.prepare(`INSERT INTO import_mappings (name, mapping_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
    ON CONFLICT(name) DO UPDATE SET mapping_json = excluded.mapping_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`).run(name, JSON.stringify(mapping), now, by);
}

export function deleteMapping(db: DB, name: string): void {
  if (db.prepare('DELETE FROM import_mappings WHERE name = ?').run(name).changes === 0) throw new AppError('IMPORT_MAPPING_NOT_FOUND', { name });
}

interface Read {
  parsed: Parsed;
  target: ImportTarget;
  mapping: string | null;
  sha256: string;
  /** Keys of the file's tickets that are already in the database (imported before). */
  existing: Set<string>;
}

function read(db: DB, req: ImportRequest, now: number): Read {
  const t = target(db, req.officeId, now);
  const mapping = req.format === 'mapped' ? getMapping(db, req.mapping ?? '') : null;
  if (req.format === 'mapped' && !req.mapping) throw new AppError('IMPORT_MAPPING_NOT_FOUND', { name: null });
  const text = decode(req.bytes, mapping?.encoding ?? 'utf-8');
  const parsed = mapping ? parseMapped(text, mapping, t) : parseMadoguchi(text, t);
  const existing = new Set<string>();
  if (parsed.tickets.length) {
    const days = parsed.tickets.map((x) => x.businessDay).sort();
    const stmt = db.prepare('SELECT import_key FROM tickets WHERE office_id = ? AND business_day >= ? AND business_day <= ? AND import_key IS NOT NULL').pluck();
    const inFile = new Set(parsed.tickets.map((x) => x.key));
    for (const k of stmt.iterate(req.officeId, days[0], days.at(-1)) as IterableIterator<string>) if (inFile.has(k)) existing.add(k);
    // A Madoguchi number already recorded at this office that day (not imported): the same visit twice, or another office's file.
    const taken = db.prepare('SELECT import_batch IS NULL FROM tickets WHERE office_id = ? AND business_day = ? AND prefix = ? AND number = ?').pluck();
    for (const x of parsed.tickets) {
      if (existing.has(x.key) || x.prefix === null || x.number === null) continue;
      const recorded = taken.get(req.officeId, x.businessDay, x.prefix, x.number) as number | undefined;
      if (recorded !== undefined) {
        parsed.errors.push({ line: x.line, message: `番号札 ${x.display}（${x.businessDay}）は取込先の庁舎に${recorded ? '記録' : '別の取込で登録'}されています。同じ日の同じ番号は取り込めません（別の庁舎のファイルではありませんか）。 This number is already in use that day.` });
      }
    }
    parsed.errors.sort((a, b) => a.line - b.line);
  }
  return { parsed, target: t, mapping: req.mapping ?? null, sha256: createHash('sha256').update(req.bytes).digest('hex'), existing };
}

export function preview(db: DB, req: ImportRequest, now: number): Preview {
  const r = read(db, req, now);
  const { parsed, target: t } = r;
  const lt = new LocalTime(t.timezone);
  const svcName = new Map([...t.serviceByName].map(([n, id]) => [id, n]));
  const byService = new Map<string, number>();
  const byOutcome: Record<string, number> = {};
  let steps = 0;
  let newTickets = 0;
  let newSteps = 0;
  const days: string[] = [];
  for (const x of parsed.tickets) {
    steps += x.steps.length;
    days.push(x.businessDay);
    if (!r.existing.has(x.key)) {
      newTickets++;
      newSteps += x.steps.length;
    }
    for (const s of x.steps) {
      byService.set(s.serviceId, (byService.get(s.serviceId) ?? 0) + 1);
      byOutcome[s.outcome] = (byOutcome[s.outcome] ?? 0) + 1;
    }
  }
  days.sort();
  const sample: PreviewRow[] = [];
  for (const x of parsed.tickets) {
    for (const s of x.steps) {
      if (sample.length >= SAMPLE_ROWS) break;
      sample.push({
        line: s.line, businessDay: x.businessDay, display: x.display, seq: s.seq, serviceId: s.serviceId, service: svcName.get(s.serviceId) ?? s.serviceId, outcome: s.outcome,
        issuedAt: lt.iso(x.issuedAt), enqueuedAt: lt.iso(s.enqueuedAt), firstCalledAt: s.firstCalledAt === null ? null : lt.iso(s.firstCalledAt), endedAt: lt.iso(s.endedAt),
        waitMin: s.firstCalledAt === null ? null : Math.round((s.firstCalledAt - s.enqueuedAt) / 600) / 100,
      });
    }
    if (sample.length >= SAMPLE_ROWS) break;
  }
  return {
    officeId: req.officeId, format: req.format, mapping: r.mapping, sha256: r.sha256, rows: parsed.rows, tickets: parsed.tickets.length, steps,
    alreadyImported: r.existing.size, newTickets, newSteps, firstDay: days[0] ?? null, lastDay: days.at(-1) ?? null,
    byService: [...byService].map(([serviceId, n]) => ({ serviceId, name: svcName.get(serviceId) ?? serviceId, steps: n })),
    byOutcome, sample, errors: parsed.errors,
  };
}

export interface ImportResult {
  /** null when every ticket of the file was imported before: nothing added, no batch made. */
  batch: Batch | null;
  addedTickets: number;
  addedSteps: number;
  alreadyImported: number;
}

/** All or nothing: any row error refuses the whole file (IMPORT_INVALID, with the errors); else one transaction. */
export function importHistory(db: DB, req: ImportRequest & { source: string; fileName: string | null }, now: number, by: string | null): ImportResult {
  return db.transaction((): ImportResult => {
    const r = read(db, req, now);
    if (r.parsed.errors.length) throw new AppError('IMPORT_INVALID', { errors: r.parsed.errors, rows: r.parsed.rows });
    const fresh: ImportTicket[] = r.parsed.tickets.filter((x) => !r.existing.has(x.key));
    if (fresh.length === 0) return { batch: null, addedTickets: 0, addedSteps: 0, alreadyImported: r.existing.size };
    const days = fresh.map((x) => x.businessDay).sort();
    const steps = fresh.reduce((n, x) => n + x.steps.length, 0);
    const batchId = Number(
      db.prepare(`INSERT INTO import_batches (office_id, source, format, mapping_name, file_name, file_sha256, tickets, steps, first_day, last_day, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(req.officeId, req.source, req.format, r.mapping, req.fileName, r.sha256, fresh.length, steps, days[0], days.at(-1), now, by).lastInsertRowid,
    );
    const insTicket = db.prepare(`INSERT INTO tickets (id, office_id, business_day, prefix, number, display, priority, lang, issued_at, token, import_batch, import_key)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'ja', ?, ?, ?, ?)`);
    const insStep = db.prepare(`INSERT INTO steps (id, ticket_id, office_id, seq, service_id, state, enqueued_at, order_key, first_called_at, last_called_at, call_count,
        started_at, ended_at, outcome, counter_id, clerk_id, from_step_id, est_low_min, est_high_min, est_point_min, est_method, import_batch)
      VALUES (?, ?, ?, ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const lastHistoryNumber = db.prepare('SELECT max(number) FROM tickets WHERE office_id = ? AND business_day = ? AND prefix = ?').pluck();
    const nextNumber = new Map<string, number>();
    // Tokens: one random draw for the whole file (a draw per ticket costs more than the insert).
    const random = randomBytes(16 * fresh.length).toString('hex');
    fresh.forEach((x, i) => {
      let prefix = x.prefix;
      let number = x.number;
      if (prefix === null || number === null) {
        prefix = HISTORY_PREFIX;
        number = (nextNumber.get(x.businessDay) ?? ((lastHistoryNumber.get(req.officeId, x.businessDay, HISTORY_PREFIX) as number | null) ?? 0)) + 1;
        nextNumber.set(x.businessDay, number);
      }
      const ticketId = `h${batchId}-${i + 1}`;
      insTicket.run(ticketId, req.officeId, x.businessDay, prefix, number, x.display, x.priority ? 1 : 0, x.issuedAt, random.slice(i * 32, i * 32 + 32), batchId, x.key);
      let prev: string | null = null;
      for (const s of x.steps) {
        const id = `${ticketId}-${s.seq}`;
        insStep.run(id, ticketId, req.officeId, s.seq, s.serviceId, s.enqueuedAt, s.enqueuedAt, s.firstCalledAt, s.lastCalledAt, s.callCount, s.startedAt, s.endedAt, s.outcome,
          s.counterId, s.clerkId, prev, s.est.low, s.est.high, s.est.point, s.est.method, batchId);
        prev = id;
      }
    });
    return { batch: getBatch(db, batchId), addedTickets: fresh.length, addedSteps: steps, alreadyImported: r.existing.size };
  }).immediate();
}

const BATCH_COLUMNS = `id, office_id AS officeId, source, format, mapping_name AS mappingName, file_name AS fileName, file_sha256 AS sha256, tickets, steps,
  first_day AS firstDay, last_day AS lastDay, created_at AS createdAt, created_by AS createdBy, removed_at AS removedAt, removed_by AS removedBy`;

export function getBatch(db: DB, id: number): Batch {
  const b = db.prepare(`SELECT ${BATCH_COLUMNS} FROM import_batches WHERE id = ?`).get(id) as Batch | undefined;
  if (!b) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id });
  return b;
}

export function listBatches(db: DB, officeIds: string[] | null): Batch[] {
  const all = db.prepare(`SELECT ${BATCH_COLUMNS} FROM import_batches ORDER BY id DESC`).all() as Batch[];
  return officeIds ? all.filter((b) => officeIds.includes(b.officeId)) : all;
}

/** Deletes the batch's tickets and steps; the batch row stays, marked removed (who, when). */
export function removeBatch(db: DB, id: number, now: number, by: string | null): Batch {
  return db.transaction(() => {
    const b = getBatch(db, id);
    if (b.removedAt !== null) throw new AppError('IMPORT_BATCH_NOT_FOUND', { id, removedAt: b.removedAt });
    db.prepare('DELETE FROM steps WHERE ticket_id IN (SELECT id FROM tickets WHERE import_batch = ?)').run(id);
    db.prepare('DELETE FROM tickets WHERE import_batch = ?').run(id);
    db.prepare('UPDATE import_batches SET removed_at = ?, removed_by = ? WHERE id = ?').run(now, by, id);
    return getBatch(db, id);
  }).immediate();
}

/** Imported steps of an office in [lo, hi] (enqueue time) and their sources, for the notes under reports. */
export function importedIn(db: DB, officeId: string, lo: number, hi: number): { steps: number; batches: number[] } {
  const rows = db
    .prepare('SELECT import_batch AS b, count(*) AS n FROM steps INDEXED BY steps_imported WHERE office_id = ? AND enqueued_at >= ? AND enqueued_at <= ? AND import_batch IS NOT NULL GROUP BY import_batch')
    .all(officeId, lo, hi) as { b: number; n: number }[];
  return { steps: rows.reduce((a, r) => a + r.n, 0), batches: rows.map((r) => r.b) };
}
