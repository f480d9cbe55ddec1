import { useState, type FormEvent } from 'react';
import type { AnnouncementConfig, CallPolicy, LocalizedText, OfficeHours, OfficeTexts } from '../../common/types.js';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, Field, LocalizedFields, numOrNull, Status, useSave, useT } from './common.js';

/** Office: name, hours, kiosk priority, ticker, call policy, announcement template, ticket and display texts. */
export function OfficeSettings({ config, onSaved }: { config: OfficeConfig; onSaved: () => void }) {
  const t = useT();
  const o = config.office;
  const [name, setName] = useState<LocalizedText>(o.name);
  const [hours, setHours] = useState<OfficeHours | null>(o.hours);
  const [kioskPriority, setKioskPriority] = useState(o.kioskPriority);
  const [ticker, setTicker] = useState(o.ticker);
  const [policy, setPolicy] = useState({ normalPerPriority: o.policy.normalPerPriority?.toString() ?? '', maxWaitMin: o.policy.maxWaitMin?.toString() ?? '', recallsBeforeNoShow: String(o.policy.recallsBeforeNoShow) });
  const [announcement, setAnnouncement] = useState<AnnouncementConfig>(o.announcement);
  const [texts, setTexts] = useState<OfficeTexts>(o.texts ?? {});
  const save = useSave(onSaved);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p: CallPolicy = { normalPerPriority: numOrNull(policy.normalPerPriority), maxWaitMin: numOrNull(policy.maxWaitMin), recallsBeforeNoShow: Number(policy.recallsBeforeNoShow) };
    const cleanTexts = Object.fromEntries(Object.entries(texts).filter(([, v]) => v && Object.values(v).some((x) => x)));
    void save.run(() => adminApi('PATCH', `/api/admin/offices/${o.id}`, { name, hours, kioskPriority, ticker, policy: p, announcement, texts: cleanTexts }));
  };
  const h = hours ?? { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
  return (
    <form className="adm-form" onSubmit={submit} aria-label={t('tab.office')}>
      <LocalizedFields label={t('name')} name="officeName" value={name} onChange={setName} />
      <fieldset>
        <legend>{t('hours')}</legend>
        <label className="adm-check"><input type="checkbox" checked={hours === null} onChange={(e) => setHours(e.target.checked ? null : h)} /> {t('alwaysOpen')}</label>
        {hours && (
          <div className="adm-row">
            <Field label={t('open')}><input type="time" value={h.open} onChange={(e) => setHours({ ...h, open: e.target.value })} name="hours.open" /></Field>
            <Field label={t('close')}><input type="time" value={h.close} onChange={(e) => setHours({ ...h, close: e.target.value })} name="hours.close" /></Field>
            <div className="adm-field">
              <span className="adm-label">{t('days')}</span>
              <div className="adm-days">
                {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                  <label key={d} className="adm-check">
                    <input type="checkbox" checked={h.days.includes(d)} onChange={(e) => setHours({ ...h, days: e.target.checked ? [...h.days, d].sort() : h.days.filter((x) => x !== d) })} />
                    {t(`day.${d}`)}
                  </label>
                ))}
              </div>
            </div>
          </div>
        )}
      </fieldset>
      <label className="adm-check"><input type="checkbox" checked={kioskPriority} onChange={(e) => setKioskPriority(e.target.checked)} name="kioskPriority" /> {t('kioskPriority')}</label>
      <Field label={t('ticker')}><input value={ticker} onChange={(e) => setTicker(e.target.value)} maxLength={200} name="ticker" className="adm-wide" /></Field>
      <fieldset>
        <legend>{t('policy')}</legend>
        <div className="adm-row">
          <Field label={t('normalPerPriority')} help={t('normalPerPriorityHelp')}><input type="number" min={1} max={20} value={policy.normalPerPriority} onChange={(e) => setPolicy({ ...policy, normalPerPriority: e.target.value })} name="policy.normalPerPriority" /></Field>
          <Field label={t('maxWaitMin')} help={t('maxWaitHelp')}><input type="number" value={policy.maxWaitMin} onChange={(e) => setPolicy({ ...policy, maxWaitMin: e.target.value })} name="policy.maxWaitMin" /></Field>
          <Field label={t('recallsBeforeNoShow')}><input type="number" min={0} max={5} value={policy.recallsBeforeNoShow} onChange={(e) => setPolicy({ ...policy, recallsBeforeNoShow: e.target.value })} name="policy.recallsBeforeNoShow" /></Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('announcement')}</legend>
        <Field label={t('announcementJa')}><textarea rows={2} value={announcement.ja} onChange={(e) => setAnnouncement({ ...announcement, ja: e.target.value })} name="announcement.ja" className="adm-wide" /></Field>
        <Field label={t('announcementEn')}><textarea rows={2} value={announcement.en} onChange={(e) => setAnnouncement({ ...announcement, en: e.target.value })} name="announcement.en" className="adm-wide" /></Field>
        <label className="adm-check"><input type="checkbox" checked={announcement.english} onChange={(e) => setAnnouncement({ ...announcement, english: e.target.checked })} /> {t('announcementEnglish')}</label>
        <Field label={t('announcementReading')}>
          <select name="announcement.reading" value={announcement.reading ?? 'whole'} onChange={(e) => setAnnouncement({ ...announcement, reading: e.target.value === 'digits' ? 'digits' : 'whole' })}>
            <option value="whole">{t('readingWhole')}</option>
            <option value="digits">{t('readingDigits')}</option>
          </select>
        </Field>
      </fieldset>
      <fieldset>
        <legend>{t('texts')}</legend>
        {(['ticketHeader', 'ticketFooter', 'displayWelcome'] as const).map((k) => (
          <LocalizedFields key={k} label={t(k)} name={k} required={false} value={texts[k]} onChange={(v) => setTexts({ ...texts, [k]: v })} />
        ))}
      </fieldset>
      <Status error={save.error} ok={save.ok} />
      <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{t('save')}</button></div>
    </form>
  );
}
