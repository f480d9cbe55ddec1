import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CALENDAR_ENTRY_KINDS, type CalendarEntry, type CalendarEntryKind, type OfficeCalendarSettings, type OfficeDay } from '../../common/calendar.js';
import type { LocalizedText } from '../../common/types.js';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, describeError, Field, LocalizedFields, Status, useSave, useT } from './common.js';

/**
 * 庁舎カレンダー (issue 15): the year-end closure, dated entries (休日開庁, 臨時閉庁, changed hours,
 * special days) with the notice residents see that day, and the next 60 days as the kiosk will see
 * them. Uses the calendar API (docs/API.md "Office calendar"); every change is audited by the server.
 */
export function CalendarAdmin({ config }: { config: OfficeConfig }) {
  const t = useT();
  const officeId = config.office.id;
  const [settings, setSettings] = useState<OfficeCalendarSettings | null>(null);
  const [entries, setEntries] = useState<CalendarEntry[]>([]);
  const [days, setDays] = useState<OfficeDay[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    adminApi<{ settings: OfficeCalendarSettings; entries: CalendarEntry[] }>('GET', `/api/admin/offices/${officeId}/calendar`)
      .then((r) => { setSettings(r.settings); setEntries(r.entries); })
      .catch((e) => setError(describeError(e)));
    adminApi<{ days: OfficeDay[] }>('GET', `/api/public/offices/${officeId}/calendar`)
      .then((r) => setDays(r.days))
      .catch((e) => setError(describeError(e)));
  }, [officeId]);
  useEffect(load, [load]);
  const remove = useSave(load);

  return (
    <div data-testid="calendar-admin">
      <h3>{t('calTitle')}</h3>
      <p className="adm-note">{t('calHelp')}</p>
      {error && <p role="alert" className="adm-error">{error}</p>}
      {settings && <YearEnd key={JSON.stringify(settings)} officeId={officeId} settings={settings} onSaved={load} />}
      <EntryForm officeId={officeId} onSaved={load} />
      <h4>{t('calEntries')}</h4>
      {entries.length === 0 ? <p className="adm-note">{t('calNoEntries')}</p> : (
        <table className="adm-table" data-testid="calendar-entries">
          <thead><tr><th>{t('calDate')}</th><th>{t('calKind')}</th><th>{t('hours')}</th><th>{t('calLabel')}</th><th /></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.date} data-date={e.date}>
                <td>{e.date}</td>
                <td>{t(`calKind.${e.kind}`)}</td>
                <td>{e.open && e.close ? `${e.open}–${e.close}` : '—'}</td>
                <td>{e.label?.ja ?? ''}</td>
                <td><button type="button" onClick={() => void remove.run(() => adminApi('DELETE', `/api/admin/offices/${officeId}/calendar/${e.date}`))}>{t('delete')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Status error={remove.error} ok={false} />
      <h4>{t('calNext')}</h4>
      <table className="adm-table" data-testid="calendar-days">
        <thead><tr><th>{t('calDate')}</th><th>{t('calDay')}</th><th>{t('calState')}</th><th>{t('calReason')}</th></tr></thead>
        <tbody>
          {days.filter((d) => !d.open || d.reason !== 'regular' || d.special).map((d) => (
            <tr key={d.date} className={d.open ? '' : 'adm-cal-closed'}>
              <td>{d.date}</td>
              <td>{t(`day.${d.weekday}`)}</td>
              <td>{d.open ? `○ ${t('calOpen')}${d.hours ? ` ${d.hours.open}–${d.hours.close}` : ''}` : `× ${t('calClosed')}`}</td>
              <td>{t(`reason.${d.reason}`)}{d.holiday ? `（${d.holiday.name}）` : ''}{d.notice ? ` 「${d.notice.ja}」` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function YearEnd({ officeId, settings, onSaved }: { officeId: string; settings: OfficeCalendarSettings; onSaved: () => void }) {
  const t = useT();
  const [none, setNone] = useState(settings.yearEnd === null);
  const [from, setFrom] = useState(settings.yearEnd?.from ?? '12-29');
  const [to, setTo] = useState(settings.yearEnd?.to ?? '01-03');
  const save = useSave(onSaved);
  return (
    <form className="adm-form adm-panel" aria-label={t('yearEnd')} onSubmit={(e) => {
      e.preventDefault();
      void save.run(() => adminApi('PUT', `/api/admin/offices/${officeId}/calendar-settings`, { yearEnd: none ? null : { from, to } }));
    }}>
      <h4>{t('yearEnd')}</h4>
      <div className="adm-row">
        <label className="adm-check"><input type="checkbox" name="yearEndNone" checked={none} onChange={(e) => setNone(e.target.checked)} /> {t('yearEndNone')}</label>
        <Field label={t('yearEndFrom')}><input name="yearEndFrom" value={from} disabled={none} onChange={(e) => setFrom(e.target.value)} pattern="\d{2}-\d{2}" size={6} /></Field>
        <Field label={t('yearEndTo')}><input name="yearEndTo" value={to} disabled={none} onChange={(e) => setTo(e.target.value)} pattern="\d{2}-\d{2}" size={6} /></Field>
      </div>
      <Status error={save.error} ok={save.ok} />
      <div className="adm-actions"><button type="submit" disabled={save.busy}>{t('save')}</button></div>
    </form>
  );
}

function EntryForm({ officeId, onSaved }: { officeId: string; onSaved: () => void }) {
  const t = useT();
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<CalendarEntryKind>('open');
  const [open, setOpen] = useState('09:00');
  const [close, setClose] = useState('12:00');
  const [label, setLabel] = useState<LocalizedText>({ ja: '' });
  const save = useSave(onSaved);
  const timed = kind === 'open' || kind === 'hours';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { kind };
    if (timed) Object.assign(body, { open, close });
    if (label.ja.trim()) body.label = label;
    void save.run(() => adminApi('PUT', `/api/admin/offices/${officeId}/calendar/${date}`, body));
  };
  return (
    <form className="adm-form adm-panel" aria-label={t('calAdd')} onSubmit={submit} data-testid="calendar-form">
      <div className="adm-row">
        <Field label={t('calDate')}><input name="calDate" type="date" value={date} onChange={(e) => setDate(e.target.value)} required /></Field>
        <Field label={t('calKind')}>
          <select name="calKind" value={kind} onChange={(e) => setKind(e.target.value as CalendarEntryKind)}>
            {CALENDAR_ENTRY_KINDS.map((k) => <option key={k} value={k}>{t(`calKind.${k}`)}</option>)}
          </select>
        </Field>
        {timed && <Field label={t('open')}><input name="calOpen" type="time" value={open} onChange={(e) => setOpen(e.target.value)} required /></Field>}
        {timed && <Field label={t('close')}><input name="calClose" type="time" value={close} onChange={(e) => setClose(e.target.value)} required /></Field>}
      </div>
      <LocalizedFields label={t('calLabel')} name="calLabel" required={false} value={label} onChange={setLabel} />
      <Status error={save.error} ok={save.ok} />
      <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{t('calAdd')}</button></div>
    </form>
  );
}
