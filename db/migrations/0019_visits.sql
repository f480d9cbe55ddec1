-- Whole visits (issue 16): journeys, the 交付 (pickup) stage, "your turn is near" notices.
-- Journeys: a service with a journey rank may be combined with other ranked services on one
-- ticket; the rank is the office's default order (転入 before 国保 …). NULL = not combinable.
ALTER TABLE services ADD COLUMN journey_rank INTEGER;
-- 交付 stage: the service whose queue a ready ticket joins to collect its papers; NULL = none.
ALTER TABLE services ADD COLUMN pickup_service_id TEXT;
-- Notices an office offers: {"email": true, "webhookUrl": "https://…"}; '{}' = none.
ALTER TABLE offices ADD COLUMN notify_json TEXT NOT NULL DEFAULT '{}';
-- A ticket's remaining planned legs (service ids, JSON array; NULL = none) and its pickup stage
-- (JSON; NULL = none). Written from events only; replay rebuilds them.
ALTER TABLE tickets ADD COLUMN plan_json TEXT;
ALTER TABLE tickets ADD COLUMN pickup_json TEXT;
CREATE INDEX tickets_pickup_open ON tickets(office_id) WHERE pickup_json IS NOT NULL;

-- Notice requests from the phone page. The address is personal data: it lives here only, never
-- in the event log, reports or exports, and is set to NULL when the ticket ends (state 'erased').
CREATE TABLE notify_subscriptions (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email','webhook')),
  address TEXT,
  ahead INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active','erased')),
  fired_step_id TEXT,
  created_at INTEGER NOT NULL,
  erased_at INTEGER,
  UNIQUE (ticket_id, channel)
);
CREATE INDEX notify_subscriptions_active ON notify_subscriptions(office_id) WHERE state = 'active';

-- Outbox: one row per notice to send; sent off the command path with bounded retries.
-- Holds no address (it is read from the subscription when sending).
CREATE TABLE notify_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  office_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('near','called','ready')),
  display TEXT NOT NULL,
  ahead INTEGER,
  state TEXT NOT NULL CHECK (state IN ('pending','sent','failed','dropped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX notify_outbox_pending ON notify_outbox(next_at) WHERE state = 'pending';
CREATE INDEX notify_outbox_office ON notify_outbox(office_id, id);
