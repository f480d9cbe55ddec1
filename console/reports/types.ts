/**
 * Shapes of the report API replies, as the console reads them: the server's own types
 * (type-only imports, erased from the browser bundle), so the two can never drift apart.
 */
export type { Distribution, EstimateStats, GroupStats, StayStats } from '../../server/reports/stats.js';
export type { GroupKind, ImportedInfo, OfficeInfo, ReportRow, SeasonReport, SeasonRow, SummaryReport } from '../../server/reports/query.js';
