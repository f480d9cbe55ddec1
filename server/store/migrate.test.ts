import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, readMigrations, SchemaTooNewError } from './db.js';

describe('migrations', () => {
  it('run on a fresh database, in order, once', () => {
    const db = openDatabase(':memory:');
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(migrate(db).applied).toEqual(all.map((m) => m.name));
    expect(migrate(db).applied).toEqual([]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    for (const t of ['offices', 'services', 'counters', 'staff', 'devices', 'tickets', 'steps', 'events', 'busy_seasons', 'idempotency']) expect(tables).toContain(t);
  });

  it('the server refuses a database newer than its code', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, ?, 0)').run('9999_future');
    expect(() => migrate(db)).toThrow(SchemaTooNewError);
  });

  it('a failing migration rolls back whole', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    const bad = [...readMigrations(), { version: 9000, name: '9000_bad', sql: 'CREATE TABLE x (a INTEGER); INSERT INTO nope VALUES (1);' }];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeUndefined();
  });

  it('events are append-only', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare("INSERT INTO events (office_id, at, type, data) VALUES ('o', 1, 't', '{}')").run();
    expect(() => db.prepare('UPDATE events SET at = 2').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
  });
});
