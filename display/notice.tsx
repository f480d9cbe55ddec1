import type { OfficeDay } from '../common/calendar.js';
import type { Lang } from '../common/types.js';
import { CATALOG } from '../web/catalog/index.js';
import { Jx } from '../web/catalog/Text.js';

/**
 * Today's calendar notice on the lobby display (「本日は休日開庁日です」, a closed day's reason), in
 * Japanese and, when the display rotates languages, in the current one beside it. Nothing on an ordinary day.
 */
function noticeText(d: OfficeDay, lang: Lang): string | null {
  if (!d.open) {
    const key = d.reason === 'holiday' ? 'closed.holiday' : d.reason === 'yearEnd' ? 'closed.yearEnd' : d.reason === 'weekly' ? 'closed.weekly' : 'closed.closed';
    const name = d.holiday ? (lang === 'ja' || lang === 'ja-easy' ? d.holiday.name : d.holiday.nameEn) : '';
    return CATALOG[lang].display[key].replace('{{name}}', name);
  }
  if (!d.notice) return null;
  return d.notice[lang] ?? (lang === 'ja' ? d.notice.ja : null);
}

export function DisplayNotice(props: { today: OfficeDay | undefined; lang: Lang }) {
  const d = props.today;
  if (!d) return null;
  const ja = noticeText(d, 'ja');
  if (!ja) return null;
  const other = props.lang !== 'ja' ? noticeText(d, props.lang) : null;
  return (
    <div className={`day-notice${d.open ? '' : ' is-closed'}`} role="status" data-testid="calendar-notice" data-reason={d.reason}>
      <span aria-hidden="true" className="day-notice-icon">ⓘ</span> {ja}
      {other && other !== ja && <span className="day-notice-other" lang={props.lang === 'ja-easy' ? 'ja' : props.lang}> <Jx text={other} lang={props.lang} /></span>}
    </div>
  );
}
