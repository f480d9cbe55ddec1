import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Counter, LocalizedText, Office, Service, StaffInfo } from '../../common/types.js';
import { i18next } from '../../web/i18n.js';
import { adminApi, describeError, Field, LocalizedFields, Status, useSave, useT } from './common.js';
import { setupAdminI18n } from './i18n.js';
import { OfficeSettings } from './OfficeSettings.js';
import { ServicesAdmin } from './ServicesAdmin.js';
import { VisitsAdmin } from './VisitsAdmin.js';
import { CountersAdmin } from './CountersAdmin.js';
import { StaffAdmin } from './StaffAdmin.js';
import { DevicesAdmin } from './DevicesAdmin.js';
import { SeasonsAdmin } from './SeasonsAdmin.js';
import { AuditAdmin } from './AuditAdmin.js';
import { HistoryAdmin } from './HistoryAdmin.js';
import { CalendarAdmin } from './CalendarAdmin.js';
import { setupLangAdminI18n } from './lang-i18n.js';
import './admin.css';

setupAdminI18n();
setupLangAdminI18n();

export interface DeviceView { id: string; kind: 'kiosk' | 'display'; name: string; createdAt: number; revokedAt: number | null; pairingPath: string | null }
export interface SeasonView { id: number; officeId: string | null; year: number; startDay: string; endDay: string }
export interface OfficeConfig {
  office: Office & { sortOrder: number };
  services: Service[];
  counters: Counter[];
  devices: DeviceView[];
  busySeasons: SeasonView[];
}

const TABS = ['office', 'services', 'counters', 'staff', 'devices', 'seasons', 'calendar', 'history', 'audit'] as const;
type Tab = (typeof TABS)[number];

/**
 * Administration of the office console (admins). Every change is sent to the server, which
 * validates it, applies it live to every screen, and records it in the audit log; a refused
 * change shows the server's message and nothing changes.
 */
export function AdminPage({ staff }: { staff: StaffInfo }) {
  useTranslation('admin'); // re-render on language change
  const t = useT();
  const [tab, setTab] = useState<Tab>('office');
  const [offices, setOffices] = useState<{ id: string; name: LocalizedText }[]>([]);
  const [officeId, setOfficeId] = useState<string | null>(staff.officeId);
  const [config, setConfig] = useState<OfficeConfig | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadOffices = useCallback((select?: string) => {
    adminApi<{ id: string; name: LocalizedText }[]>('GET', '/api/admin/offices')
      .then((list) => {
        setOffices(list);
        setOfficeId((cur) => select ?? cur ?? list[0]?.id ?? null);
      })
      .catch((e) => setError(describeError(e)));
  }, []);
  useEffect(() => loadOffices(), [loadOffices]);

  const reload = useCallback(() => {
    if (!officeId) return;
    adminApi<OfficeConfig>('GET', `/api/admin/offices/${officeId}`).then(setConfig).catch((e) => setError(describeError(e)));
  }, [officeId]);
  useEffect(reload, [reload]);

  if (staff.role !== 'admin') return <main className="adm"><p>{t('supervisorNote')}</p></main>;
  const lang = i18next.language === 'en' ? 'en' : 'ja';
  return (
    <main className="adm">
      <header className="adm-head">
        <h2>{t('title')}</h2>
        {offices.length > 1 && (
          <label>
            {t('office')}{' '}
            <select value={officeId ?? ''} onChange={(e) => setOfficeId(e.target.value)} name="office">
              {offices.map((o) => <option key={o.id} value={o.id}>{o.name[lang] || o.name.ja}</option>)}
            </select>
          </label>
        )}
        {offices.length === 1 && <span className="adm-office">{offices[0]!.name[lang] || offices[0]!.name.ja}</span>}
        <button type="button" className="adm-langbtn" onClick={() => void i18next.changeLanguage(lang === 'ja' ? 'en' : 'ja')}>{t('lang')}</button>
      </header>
      <nav className="adm-tabs" role="tablist">
        {TABS.map((k) => (
          <button key={k} role="tab" aria-selected={tab === k} className={tab === k ? 'active' : ''} onClick={() => setTab(k)}>{t(`tab.${k}`)}</button>
        ))}
      </nav>
      {error && <p role="alert" className="adm-error">{error}</p>}
      {!config ? (
        <p>{t('loading')}</p>
      ) : (
        <section className="adm-body" role="tabpanel">
          {tab === 'office' && <OfficeSettings key={config.office.id} config={config} onSaved={() => { reload(); loadOffices(); }} />}
          {tab === 'office' && staff.officeId === null && <NewOffice onCreated={(id) => loadOffices(id)} />}
          {tab === 'services' && <ServicesAdmin config={config} onSaved={reload} />}
          {tab === 'services' && <VisitsAdmin key={config.office.id} config={config} onSaved={reload} />}
          {tab === 'counters' && <CountersAdmin config={config} onSaved={reload} />}
          {tab === 'staff' && <StaffAdmin me={staff} offices={offices} officeId={config.office.id} />}
          {tab === 'devices' && <DevicesAdmin config={config} onSaved={reload} />}
          {tab === 'seasons' && <SeasonsAdmin config={config} me={staff} onSaved={reload} />}
          {tab === 'history' && <HistoryAdmin key={config.office.id} config={config} />}
          {tab === 'calendar' && <CalendarAdmin key={config.office.id} config={config} />}
          {tab === 'audit' && <AuditAdmin officeId={config.office.id} />}
        </section>
      )}
    </main>
  );
}

/** A city-wide admin adds an office (then sets it up in the tabs above). */
function NewOffice({ onCreated }: { onCreated: (id: string) => void }) {
  const t = useT();
  const [id, setId] = useState('');
  const [name, setName] = useState<LocalizedText>({ ja: '' });
  const save = useSave();
  return (
    <form className="adm-form adm-panel" aria-label={t('newOffice')} onSubmit={(e) => {
      e.preventDefault();
      void save.run(() => adminApi('POST', '/api/admin/offices', { id, name })).then((ok) => ok && onCreated(id));
    }}>
      <h3>{t('newOffice')}</h3>
      <Field label={t('officeId')} help={t('officeIdHelp')}><input name="officeId" value={id} onChange={(e) => setId(e.target.value)} required pattern="[a-z][a-z0-9-]{1,31}" /></Field>
      <LocalizedFields label={t('name')} name="newOfficeName" value={name} onChange={setName} />
      <Status error={save.error} ok={save.ok} />
      <div className="adm-actions"><button type="submit" disabled={save.busy}>{t('add')}</button></div>
    </form>
  );
}
