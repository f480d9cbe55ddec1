import type { OfficeDay } from '../common/calendar.js';
import type { Lang } from '../common/types.js';
import { pick } from './i18n.js';
import { Jx, useRt } from './catalog/Text.js';

/**
 * Today's notice from the office calendar on a resident screen (kiosk, phone status page, display):
 * a closed day says why (「本日は元日のため閉庁しています」, 年末年始, the office's own closure); an open
 * day shows the office's notice for the date (「本日は休日開庁日です」, extended hours…) if it has one.
 * The app's catalogue has the `closed.*` keys. Nothing is shown on an ordinary day.
 */
export function CalendarNotice(props: { today: OfficeDay | undefined; lang: Lang; className?: string }) {
  const { rt } = useRt();
  const d = props.today;
  if (!d) return null;
  const ownNotice = d.notice ? <Jx text={pick(d.notice, props.lang)} lang={props.lang} /> : null;
  if (!d.open) {
    const name = d.holiday ? (props.lang === 'ja' || props.lang === 'ja-easy' ? d.holiday.name : d.holiday.nameEn) : '';
    const key = d.reason === 'holiday' ? 'closed.holiday' : d.reason === 'yearEnd' ? 'closed.yearEnd' : d.reason === 'weekly' ? 'closed.weekly' : 'closed.closed';
    return (
      <p className={`${props.className ?? ''} is-closed`} role="status" data-testid="calendar-notice" data-reason={d.reason}>
        {rt(key, { name })}{ownNotice && <> {ownNotice}</>}
      </p>
    );
  }
  if (!ownNotice) return null;
  return (
    <p className={props.className} role="status" data-testid="calendar-notice" data-reason={d.reason}>
      {ownNotice}
    </p>
  );
}
