import type { LocalizedText } from '../../common/types.js';

/** Shapes of the report API replies (server/reports/query.ts), as the console reads them. */
export interface Distribution {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
  maxMs: number | null;
}
export interface GroupStats {
  steps: number;
  tickets: number;
  wait: Distribution;
  service: Distribution;
  walk: Distribution;
  served: number;
  noShow: number;
  cancelled: number;
  transferred: number;
  unserved: number;
  open: number;
  noShowRate: number | null;
  cancelRate: number | null;
  withinTarget: number;
  serviceLevel: number | null;
  activeHours: number;
  servedPerHour: number | null;
}
export type GroupKind = 'office' | 'service' | 'counter' | 'clerk' | 'day' | 'hour';
/** Visit stay (滞在時間) over tickets finished served; others counted by their last outcome. */
export interface StayStats extends Distribution {
  noShow: number;
  cancelled: number;
  unserved: number;
}
export interface ReportRow extends GroupStats {
  key: string;
  officeId: string | null;
  label: LocalizedText;
  /** office, service (first service) and day rows only. */
  stay?: StayStats;
}
export interface OfficeInfo {
  id: string;
  name: LocalizedText;
  timezone: string;
}
export interface SummaryReport {
  offices: OfficeInfo[];
  from: string;
  to: string;
  percentileMethod: string;
  total: GroupStats;
  stay: StayStats;
  groups: Record<GroupKind, ReportRow[]>;
  heatmap: { day: string; hour: number; steps: number; called: number; waitMeanMs: number | null }[];
  histogram: { fromMin: number; toMin: number | null; count: number }[];
}
export interface SeasonRow {
  officeId: string;
  serviceId: string | null;
  label: LocalizedText;
  year: number;
  startDay: string;
  endDay: string;
  labels: { calendar: string; era: string; fiscal: string };
  openDays: number;
  steps: number;
  tickets: number;
  perDay: number | null;
  wait: Distribution;
  withinTarget: number;
  serviceLevel: number | null;
  unserved: number;
  inProgress: boolean;
  change: { year: number; waitMeanMs: number | null; waitMeanPct: number | null; waitMedianMs: number | null; waitP90Ms: number | null; perDay: number | null; perDayPct: number | null } | null;
}
export interface SeasonReport {
  offices: OfficeInfo[];
  years: number[];
  percentileMethod: string;
  periods: Record<string, { year: number; startDay: string; endDay: string; configured: boolean }[]>;
  rows: SeasonRow[];
}
