-- Busy-season planning (issue 12).
-- plans: what-if day plans a supervisor saved (common/plan.ts DayPlan as JSON: reception hours, counters
--   open from–to with their services, lunch windows, temporary counters), per office, optionally for a date.
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  name TEXT NOT NULL,
  date TEXT,                    -- yyyy-MM-dd the plan is meant for, or NULL (a template)
  plan_json TEXT NOT NULL,
  created_by TEXT,              -- staff id
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX plans_office ON plans(office_id, updated_at);

-- crowd_calendars: every published 混雑予想カレンダー, versioned (1, 2, …) per office and never
-- overwritten; the public status page shows the newest version.
CREATE TABLE crowd_calendars (
  office_id TEXT NOT NULL REFERENCES offices(id),
  version INTEGER NOT NULL,
  from_day TEXT NOT NULL,
  to_day TEXT NOT NULL,
  days_json TEXT NOT NULL,      -- CrowdDay[]: date, open, level 1–4, avoidHours, note, adjusted
  published_at INTEGER NOT NULL,
  published_by TEXT,            -- staff id
  PRIMARY KEY (office_id, version)
) WITHOUT ROWID;
