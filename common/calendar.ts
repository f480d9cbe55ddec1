import type { LocalizedText } from './types.js';

/**
 * The office calendar: which local dates reception is open and when. National holidays (振替休日 and
 * 国民の休日 included) come from a maintained library on the server; the office adds its own dates.
 * One module serves the kiosk's hours, the day turn, the forecast and the reports (server/calendar/).
 */

export const CALENDAR_ENTRY_KINDS = ['closed', 'open', 'hours', 'event'] as const;
export type CalendarEntryKind = (typeof CALENDAR_ENTRY_KINDS)[number];

/** One date the office sets apart from its weekly hours. */
export interface CalendarEntry {
  /** Local calendar date, yyyy-MM-dd. */
  date: string;
  /**
   * closed: closed that day · open: special opening (休日開庁) on a day that would be closed ·
   * hours: changed reception hours on an open day (延長窓口) · event: a special day for the forecast, hours unchanged.
   */
  kind: CalendarEntryKind;
  /** Reception window that day, local "HH:mm" (kinds open and hours). */
  open?: string;
  close?: string;
  /** Shown to residents that day on the kiosk, the status page and the display. */
  label?: LocalizedText;
}

/** Office-wide calendar settings (stored on the office). */
export interface OfficeCalendarSettings {
  /** 年末年始 closure, inclusive, as "MM-dd" (from may be after to: 12-29 → 01-03); null = none. */
  yearEnd: { from: string; to: string } | null;
}

export const DEFAULT_CALENDAR_SETTINGS: OfficeCalendarSettings = { yearEnd: { from: '12-29', to: '01-03' } };

/** Why a day is open or closed. */
export type DayReason =
  | 'regular' // an open weekday at the weekly hours
  | 'weekly' // a weekday the office does not open (e.g. Saturday, Sunday)
  | 'holiday' // a national holiday (祝日・振替休日・国民の休日)
  | 'yearEnd' // the 年末年始 closure
  | 'closed' // closed by the office's calendar
  | 'specialOpen' // 休日開庁: opened by the office's calendar on a day that would be closed
  | 'changedHours' // open with hours changed by the office's calendar
  | 'always'; // the office has no hours: reception always open

/** One local date as the office calendar sees it. */
export interface OfficeDay {
  date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  open: boolean;
  /** Reception window when open ("HH:mm"); null when closed or when reception is always open. */
  hours: { open: string; close: string } | null;
  reason: DayReason;
  /** The national holiday on that date, open or not. */
  holiday: { name: string; nameEn: string } | null;
  /** The office marked the date as special (any entry kind, e.g. an 'event' such as a tax deadline). */
  special: boolean;
  /** Notice for residents that day (the entry's label, or a default for 休日開庁 / changed hours); null = none. */
  notice: LocalizedText | null;
}
