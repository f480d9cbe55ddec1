import { useState, type FormEvent } from 'react';
import type { StaffInfo } from '../../common/types.js';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, Field, Status, useSave, useT } from './common.js';

/** Busy-season periods (年度末・年度初めの繁忙期), per office or for every office. */
export function SeasonsAdmin({ config, me, onSaved }: { config: OfficeConfig; me: StaffInfo; onSaved: () => void }) {
  const t = useT();
  const year = new Date().getFullYear();
  const [d, setD] = useState({ year: String(year), startDay: `${year}-03-15`, endDay: `${year}-04-15`, all: false });
  const save = useSave(onSaved);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(() => adminApi('POST', '/api/admin/busy-seasons', { officeId: d.all ? null : config.office.id, year: Number(d.year), startDay: d.startDay, endDay: d.endDay }));
  };
  return (
    <div>
      <table className="adm-table">
        <thead><tr><th>{t('year')}</th><th>{t('startDay')}</th><th>{t('endDay')}</th><th>{t('office')}</th><th /></tr></thead>
        <tbody>
          {config.busySeasons.map((b) => (
            <tr key={b.id}>
              <td>{b.year}</td><td>{b.startDay}</td><td>{b.endDay}</td><td>{b.officeId === null ? t('allOfficesSeason') : config.office.name.ja}</td>
              <td><button type="button" className="adm-danger" onClick={() => void save.run(() => adminApi('DELETE', `/api/admin/busy-seasons/${b.id}`, {}))}>{t('delete')}</button></td>
            </tr>
          ))}
          {config.busySeasons.length === 0 && <tr><td colSpan={5}>{t('none')}</td></tr>}
        </tbody>
      </table>
      <form className="adm-form adm-panel" onSubmit={submit} aria-label={t('newSeason')}>
        <h3>{t('newSeason')}</h3>
        <div className="adm-row">
          <Field label={t('year')} help={t('seasonYearHelp')}><input name="year" type="number" min={2000} max={2100} value={d.year} onChange={(e) => setD({ ...d, year: e.target.value })} /></Field>
          <Field label={t('startDay')}><input name="startDay" type="date" value={d.startDay} onChange={(e) => setD({ ...d, startDay: e.target.value })} /></Field>
          <Field label={t('endDay')}><input name="endDay" type="date" value={d.endDay} onChange={(e) => setD({ ...d, endDay: e.target.value })} /></Field>
          {me.officeId === null && <label className="adm-check"><input type="checkbox" checked={d.all} onChange={(e) => setD({ ...d, all: e.target.checked })} /> {t('allOfficesSeason')}</label>}
          <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{t('add')}</button></div>
        </div>
        <Status error={save.error} ok={save.ok} />
      </form>
    </div>
  );
}
