import { useState, type FormEvent } from 'react';
import type { LocalizedText, Service } from '../../common/types.js';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, Field, LocalizedFields, numOrNull, Status, useSave, useT } from './common.js';
import { TranslationWarnings } from './TranslationWarnings.js';

type Draft = {
  prefix: string; name: LocalizedText; description: LocalizedText; numberStart: string; numberEnd: string; dailyCap: string;
  targetWaitMin: string; defaultServiceMin: string; kioskVisible: boolean; priorityAllowed: boolean; active: boolean; sortOrder: string;
  hoursOpen: string; hoursClose: string;
};
const draftOf = (s: Service | null, order: number): Draft => ({
  prefix: s?.prefix ?? '', name: s?.name ?? { ja: '' }, description: s?.description ?? { ja: '' }, numberStart: String(s?.numberStart ?? 1), numberEnd: String(s?.numberEnd ?? 999),
  dailyCap: s?.dailyCap?.toString() ?? '', targetWaitMin: String(s?.targetWaitMin ?? 30), defaultServiceMin: String(s?.defaultServiceMin ?? 10),
  kioskVisible: s?.kioskVisible ?? true, priorityAllowed: s?.priorityAllowed ?? true, active: s?.active ?? true, sortOrder: String(s?.sortOrder ?? order),
  hoursOpen: s?.hours?.open ?? '', hoursClose: s?.hours?.close ?? '',
});

/** Services: list, add, edit (names in six languages, numbering, caps, targets, kiosk visibility). */
export function ServicesAdmin({ config, onSaved }: { config: OfficeConfig; onSaved: () => void }) {
  const t = useT();
  const [editing, setEditing] = useState<Service | 'new' | null>(null);
  const nextOrder = Math.max(-1, ...config.services.map((s) => s.sortOrder)) + 1;
  return (
    <div>
      <TranslationWarnings officeId={config.office.id} version={config.services} />
      <table className="adm-table">
        <thead>
          <tr><th>{t('prefix')}</th><th>{t('name')}</th><th>{t('range')}</th><th>{t('dailyCap')}</th><th>{t('targetWaitMin')}</th><th>{t('serviceHoursCol')}</th><th>{t('kioskVisible')}</th><th>{t('active')}</th><th /></tr>
        </thead>
        <tbody>
          {config.services.map((s) => (
            <tr key={s.id} className={s.active ? '' : 'adm-inactive'}>
              <td className="adm-prefix">{s.prefix}</td>
              <td>{s.name.ja}<br /><small>{s.name.en}</small></td>
              <td>{s.numberStart}–{s.numberEnd}</td>
              <td>{s.dailyCap ?? '—'}</td>
              <td>{s.targetWaitMin}</td>
              <td data-testid={`hours-${s.id}`}>{s.hours ? `${s.hours.open}–${s.hours.close}` : '—'}</td>
              <td>{s.kioskVisible ? t('yes') : t('no')}</td>
              <td>{s.active ? t('yes') : t('no')}</td>
              <td><button type="button" onClick={() => setEditing(s)}>{t('edit')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === null && <div className="adm-actions"><button type="button" className="adm-primary" onClick={() => setEditing('new')}>{t('newService')}</button></div>}
      {editing !== null && (
        <ServiceForm
          key={editing === 'new' ? 'new' : editing.id}
          officeId={config.office.id}
          service={editing === 'new' ? null : editing}
          order={nextOrder}
          onDone={() => { setEditing(null); onSaved(); }}
          onCancel={() => setEditing(null)}
        />
      )}
    </div>
  );
}

function ServiceForm({ officeId, service, order, onDone, onCancel }: { officeId: string; service: Service | null; order: number; onDone: () => void; onCancel: () => void }) {
  const t = useT();
  const [d, setD] = useState<Draft>(draftOf(service, order));
  const save = useSave();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD({ ...d, [k]: v });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      prefix: d.prefix.trim().toUpperCase(), name: d.name, description: d.description, numberStart: Number(d.numberStart), numberEnd: Number(d.numberEnd), dailyCap: numOrNull(d.dailyCap),
      targetWaitMin: Number(d.targetWaitMin), defaultServiceMin: Number(d.defaultServiceMin), kioskVisible: d.kioskVisible, priorityAllowed: d.priorityAllowed, active: d.active, sortOrder: Number(d.sortOrder),
      hours: d.hoursOpen || d.hoursClose ? { open: d.hoursOpen, close: d.hoursClose } : null,
    };
    const ok = await save.run(() => (service ? adminApi('PATCH', `/api/admin/services/${service.id}`, body) : adminApi('POST', `/api/admin/offices/${officeId}/services`, body)));
    if (ok) onDone();
  };
  return (
    <form className="adm-form adm-panel" onSubmit={(e) => void submit(e)} aria-label={service ? t('editService') : t('newService')}>
      <h3>{service ? `${t('editService')}: ${service.prefix} ${service.name.ja}` : t('newService')}</h3>
      <div className="adm-row">
        <Field label={t('prefix')}><input name="prefix" value={d.prefix} onChange={(e) => set('prefix', e.target.value)} maxLength={3} required size={4} /></Field>
        <Field label={t('numberStart')}><input name="numberStart" type="number" value={d.numberStart} onChange={(e) => set('numberStart', e.target.value)} /></Field>
        <Field label={t('numberEnd')}><input name="numberEnd" type="number" value={d.numberEnd} onChange={(e) => set('numberEnd', e.target.value)} /></Field>
        <Field label={t('dailyCap')} help={t('dailyCapHelp')}><input name="dailyCap" type="number" value={d.dailyCap} onChange={(e) => set('dailyCap', e.target.value)} /></Field>
      </div>
      <div className="adm-row">
        <Field label={t('targetWaitMin')}><input name="targetWaitMin" type="number" value={d.targetWaitMin} onChange={(e) => set('targetWaitMin', e.target.value)} /></Field>
        <Field label={t('defaultServiceMin')}><input name="defaultServiceMin" type="number" step="0.5" value={d.defaultServiceMin} onChange={(e) => set('defaultServiceMin', e.target.value)} /></Field>
        <Field label={t('sortOrder')}><input name="sortOrder" type="number" value={d.sortOrder} onChange={(e) => set('sortOrder', e.target.value)} /></Field>
      </div>
      <fieldset className="adm-localized">
        <legend>{t('serviceHours')}</legend>
        <div className="adm-row">
          <Field label={t('open')}><input name="hoursOpen" type="time" value={d.hoursOpen} onChange={(e) => set('hoursOpen', e.target.value)} /></Field>
          <Field label={t('close')}><input name="hoursClose" type="time" value={d.hoursClose} onChange={(e) => set('hoursClose', e.target.value)} /></Field>
        </div>
        <small className="adm-help">{t('serviceHoursHelp')}</small>
      </fieldset>
      <div className="adm-row">
        <label className="adm-check"><input type="checkbox" name="kioskVisible" checked={d.kioskVisible} onChange={(e) => set('kioskVisible', e.target.checked)} /> {t('kioskVisible')}</label>
        <label className="adm-check"><input type="checkbox" name="priorityAllowed" checked={d.priorityAllowed} onChange={(e) => set('priorityAllowed', e.target.checked)} /> {t('priorityAllowed')}</label>
        <label className="adm-check"><input type="checkbox" name="active" checked={d.active} onChange={(e) => set('active', e.target.checked)} /> {t('active')}</label>
      </div>
      <LocalizedFields label={t('name')} name="name" value={d.name} onChange={(v) => set('name', v)} />
      <LocalizedFields label={t('description')} name="description" required={false} value={d.description} onChange={(v) => set('description', v)} />
      <Status error={save.error} ok={false} />
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={save.busy}>{t('save')}</button>
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}
