-- Honest wait estimates (issue 13): the estimate shown at issue, copied from the ticket.issued event
-- onto the first step so reports read it in their one pass over steps (replay rebuilds it from the event).
ALTER TABLE steps ADD COLUMN est_low_min REAL;
ALTER TABLE steps ADD COLUMN est_high_min REAL;
ALTER TABLE steps ADD COLUMN est_point_min REAL;
ALTER TABLE steps ADD COLUMN est_method TEXT;
ALTER TABLE steps ADD COLUMN est_ahead INTEGER;
-- The busy-season comparison reads estimated steps apart; history without estimates costs nothing.
CREATE INDEX steps_estimated ON steps(office_id, enqueued_at) WHERE est_method IS NOT NULL;
