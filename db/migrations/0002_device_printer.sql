-- A kiosk may have a network receipt printer (ESC/POS over TCP, normally port 9100).
-- printer_host NULL = no server-side printing for that device (the kiosk may still use the
-- browser's print). Set by the administrator (console) or by SQL; see docs/OPERATIONS.md.
ALTER TABLE devices ADD COLUMN printer_host TEXT;
ALTER TABLE devices ADD COLUMN printer_port INTEGER CHECK (printer_port IS NULL OR printer_port BETWEEN 1 AND 65535);
