import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateWatch } from './state.js';

describe('StateWatch (refused input must change nothing)', () => {
  it('sees a write on the same connection, not a read or a write that left every row as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-watch-'));
    try {
      const db = new Database(join(dir, 'x.db'));
      db.pragma('journal_mode = WAL');
      db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a')");
      const w = new StateWatch(db);
      w.mark();
      db.prepare('SELECT * FROM t').all();
      expect(w.changed()).toBe(false);
      w.mark();
      db.prepare("UPDATE t SET v = 'a'").run(); // counted as a change by SQLite, but the state is the same
      expect(w.changed()).toBe(false);
      w.mark();
      db.prepare("UPDATE t SET v = 'b'").run();
      expect(w.changed()).toBe(true);
      w.mark();
      expect(w.changed()).toBe(false);
      // A commit by another connection (e.g. a worker) is seen too.
      const other = new Database(join(dir, 'x.db'));
      w.mark();
      other.prepare("INSERT INTO t (v) VALUES ('c')").run();
      expect(w.changed()).toBe(true);
      other.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
