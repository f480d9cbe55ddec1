-- Madoguchi initial schema. Times are UTC epoch milliseconds; business_day is the office-local
-- date (yyyy-MM-dd). JSON columns hold small localized texts and settings.

CREATE TABLE offices (
  id TEXT PRIMARY KEY,
  name_json TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'Asia/Tokyo',
  hours_json TEXT,                       -- null = reception always open
  policy_json TEXT NOT NULL,
  kiosk_priority INTEGER NOT NULL DEFAULT 1,
  ticker TEXT NOT NULL DEFAULT '',
  announcement_json TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE services (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  prefix TEXT NOT NULL CHECK (length(prefix) BETWEEN 1 AND 3),
  name_json TEXT NOT NULL,
  description_json TEXT NOT NULL DEFAULT '{"ja":""}',
  number_start INTEGER NOT NULL DEFAULT 1,
  number_end INTEGER NOT NULL DEFAULT 999,
  daily_cap INTEGER,
  target_wait_min INTEGER NOT NULL DEFAULT 30,
  default_service_min REAL NOT NULL DEFAULT 10,
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  kiosk_visible INTEGER NOT NULL DEFAULT 1,
  priority_allowed INTEGER NOT NULL DEFAULT 1,
  CHECK (number_start >= 0 AND number_end >= number_start)
);
CREATE INDEX services_office ON services(office_id, sort_order);

CREATE TABLE counters (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  label TEXT NOT NULL,
  name_json TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  -- live state, written only from events
  state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('open','paused','closed')),
  clerk_id TEXT,
  current_step_id TEXT,
  state_since INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX counters_office ON counters(office_id, sort_order);

CREATE TABLE counter_services (
  counter_id TEXT NOT NULL REFERENCES counters(id) ON DELETE CASCADE,
  service_id TEXT NOT NULL REFERENCES services(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (counter_id, service_id)
);

CREATE TABLE staff (
  id TEXT PRIMARY KEY,
  office_id TEXT REFERENCES offices(id),  -- null = every office (city-wide admin)
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clerk','supervisor','admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,               -- sha256 of the cookie value; the value itself is never stored
  staff_id TEXT NOT NULL REFERENCES staff(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  revoked_at INTEGER,
  ip TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_staff ON sessions(staff_id);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  kind TEXT NOT NULL CHECK (kind IN ('kiosk','display')),
  name TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,             -- pairing token (a low-privilege device credential)
  config_json TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  business_day TEXT NOT NULL,
  prefix TEXT NOT NULL,
  number INTEGER NOT NULL,
  display TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  priority_reason TEXT,
  lang TEXT NOT NULL DEFAULT 'ja',
  issued_at INTEGER NOT NULL,
  token TEXT NOT NULL UNIQUE,
  device_id TEXT,
  UNIQUE (office_id, business_day, prefix, number)   -- rule 1, enforced by the database too
);
CREATE INDEX tickets_office_day ON tickets(office_id, business_day);

CREATE TABLE steps (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  office_id TEXT NOT NULL REFERENCES offices(id),
  seq INTEGER NOT NULL,
  service_id TEXT NOT NULL REFERENCES services(id),
  state TEXT NOT NULL CHECK (state IN ('waiting','called','serving','held','ended')),
  enqueued_at INTEGER NOT NULL,
  order_key INTEGER NOT NULL,
  first_called_at INTEGER,
  last_called_at INTEGER,
  call_count INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER,
  ended_at INTEGER,
  outcome TEXT CHECK (outcome IN ('served','no_show','cancelled','transferred','unserved')),
  counter_id TEXT,
  clerk_id TEXT,
  call_reason TEXT,
  from_step_id TEXT,
  UNIQUE (ticket_id, seq)
);
CREATE INDEX steps_open ON steps(office_id, state) WHERE state <> 'ended';
CREATE INDEX steps_office_enqueued ON steps(office_id, enqueued_at);
CREATE INDEX steps_service_ended ON steps(service_id, ended_at);

-- Append-only history (rule 5). The id is the office version clients see.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  office_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  staff_id TEXT,
  device_id TEXT,
  counter_id TEXT,
  ticket_id TEXT,
  step_id TEXT,
  command_id TEXT,
  data TEXT NOT NULL
);
CREATE INDEX events_office ON events(office_id, id);
CREATE INDEX events_office_type ON events(office_id, type, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE busy_seasons (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  office_id TEXT REFERENCES offices(id),  -- null = every office
  year INTEGER NOT NULL,
  start_day TEXT NOT NULL,
  end_day TEXT NOT NULL,
  CHECK (end_day >= start_day)
);
CREATE UNIQUE INDEX busy_seasons_year ON busy_seasons(year, ifnull(office_id, ''));

CREATE TABLE idempotency (
  command_id TEXT PRIMARY KEY,
  actor TEXT NOT NULL,
  name TEXT NOT NULL,
  result_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX idempotency_created ON idempotency(created_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  office_id TEXT,
  staff_id TEXT,
  device_id TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail_json TEXT,
  ip TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
