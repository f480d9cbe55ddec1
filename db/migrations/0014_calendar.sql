-- The office calendar (issues 12 and 15): national holidays come from @holiday-jp/holiday_jp at run time;
-- what the office decides is stored here — one row per date that differs from its weekly hours:
--   closed : the office is closed that day (e.g. a system changeover)
--   open   : a special opening (休日開庁) on a day that would be closed, with its reception hours
--   hours  : changed reception hours on a day that is open anyway (延長窓口, short day)
--   event  : no change to the hours, a day the office marks as special (確定申告の締切…) for the forecast
-- and, on the office row, the year-end closure (年末年始, default 29 Dec – 3 Jan; NULL in the JSON = none).
CREATE TABLE office_calendar (
  office_id TEXT NOT NULL REFERENCES offices(id),
  date TEXT NOT NULL,                -- yyyy-MM-dd, the office's local calendar
  kind TEXT NOT NULL CHECK (kind IN ('closed', 'open', 'hours', 'event')),
  open TEXT,                         -- HH:mm, for 'open' and 'hours'
  close TEXT,
  label_json TEXT,                   -- LocalizedText shown to residents that day (e.g. 本日は休日開庁日です)
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (office_id, date)
) WITHOUT ROWID;

ALTER TABLE offices ADD COLUMN calendar_json TEXT;
