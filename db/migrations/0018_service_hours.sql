-- Per-service reception hours (issue 15): a service may stop taking tickets before the office does
-- (e.g. 16:00 while reception is open until 17:15) or start later. Local "HH:mm" in the office's
-- time zone; both NULL = the office's hours. Applies within the office's own hours and calendar.
ALTER TABLE services ADD COLUMN reception_open TEXT;
ALTER TABLE services ADD COLUMN reception_close TEXT;
