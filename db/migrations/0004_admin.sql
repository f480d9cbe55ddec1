-- Administration (issue 7): office texts printed on tickets and shown on displays.
-- {"ticketHeader": {"ja": …}, "ticketFooter": {"ja": …}, "displayWelcome": {"ja": …}}
ALTER TABLE offices ADD COLUMN texts_json TEXT NOT NULL DEFAULT '{}';
