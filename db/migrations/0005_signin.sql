-- Sign-in hardening (issue 18).
-- Failed sign-ins are counted per account AND client address: failures from one address lock only
-- that address's attempts on that account, so nobody can lock a clerk out from elsewhere.
CREATE TABLE login_failures (
  staff_id TEXT NOT NULL REFERENCES staff(id),
  ip TEXT NOT NULL,
  failures INTEGER NOT NULL,        -- consecutive failures since the last lock or success
  last_failed_at INTEGER NOT NULL,
  locked_until INTEGER,             -- this address may not sign in to this account before then
  PRIMARY KEY (staff_id, ip)
) WITHOUT ROWID;

-- Set for a first-run password the server generated and printed: the session may only change it.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
