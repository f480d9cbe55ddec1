import { z } from 'zod';
import { isValidDate } from '../calendar/office.js';
import { GROUP_KINDS } from './query.js';

/**
 * Query parameters of the report routes, apart from the router so a route elsewhere (the visits
 * report, mounted at start) can use them without loading the exports (ExcelJS) at start.
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd').refine(isValidDate, 'not a calendar date');
const officeList = z
  .string()
  .min(1)
  .max(400)
  .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
  .pipe(z.array(z.string().regex(/^[\w-]{1,64}$/)).min(1).max(20));
const year = z.coerce.number().int().min(2000).max(2100);

export const rangeQuery = z.strictObject({ offices: officeList, from: day, to: day });
export const tableQuery = z.strictObject({ offices: officeList, from: day, to: day, by: z.enum(GROUP_KINDS) });
export const seasonQuery = z.strictObject({ offices: officeList, fromYear: year.optional(), toYear: year.optional() });
