import { TZDate } from '@date-fns/tz';
import type { Office, Service } from '../../common/types.js';
import { receptionOpen } from './reception.js';

/**
 * Per-service hours (issue 15): a service takes tickets only while the office's reception is open
 * (weekly hours and calendar) AND, when it has its own window, inside it — e.g. 16:00 while the office
 * takes tickets until 17:15. The window is local "HH:mm", open inclusive, close exclusive.
 */
export function serviceOpen(office: Office, service: Pick<Service, 'hours'>, at: number): boolean {
  if (!receptionOpen(office, at)) return false;
  const h = service.hours;
  if (!h) return true;
  const local = new TZDate(at, office.timezone);
  const hm = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
  return hm >= h.open && hm < h.close;
}
