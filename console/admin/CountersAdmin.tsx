import { useState, type FormEvent } from 'react';
import type { Counter, LocalizedText } from '../../common/types.js';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, Field, LocalizedFields, Status, useSave, useT } from './common.js';

/** Counters: label, name, the services served in order of preference, active. */
export function CountersAdmin({ config, onSaved }: { config: OfficeConfig; onSaved: () => void }) {
  const t = useT();
  const [editing, setEditing] = useState<Counter | 'new' | null>(null);
  const svc = new Map(config.services.map((s) => [s.id, s]));
  return (
    <div>
      <table className="adm-table">
        <thead><tr><th>{t('label')}</th><th>{t('name')}</th><th>{t('services')}</th><th>{t('active')}</th><th /></tr></thead>
        <tbody>
          {config.counters.map((c) => (
            <tr key={c.id} className={c.active ? '' : 'adm-inactive'}>
              <td className="adm-prefix">{c.label}</td>
              <td>{c.name.ja}</td>
              <td>{c.serviceIds.map((id) => svc.get(id)).map((s, i) => s && <span key={s.id} className="adm-chip">{i + 1}. {s.prefix} {s.name.ja}</span>)}</td>
              <td>{c.active ? t('yes') : t('no')}</td>
              <td><button type="button" onClick={() => setEditing(c)}>{t('edit')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing === null && <div className="adm-actions"><button type="button" className="adm-primary" onClick={() => setEditing('new')}>{t('newCounter')}</button></div>}
      {editing !== null && (
        <CounterForm key={editing === 'new' ? 'new' : editing.id} config={config} counter={editing === 'new' ? null : editing} onDone={() => { setEditing(null); onSaved(); }} onCancel={() => setEditing(null)} />
      )}
    </div>
  );
}

function CounterForm({ config, counter, onDone, onCancel }: { config: OfficeConfig; counter: Counter | null; onDone: () => void; onCancel: () => void }) {
  const t = useT();
  const [label, setLabel] = useState(counter?.label ?? '');
  const [name, setName] = useState<LocalizedText | undefined>(counter?.name);
  const [ids, setIds] = useState<string[]>(counter?.serviceIds ?? []);
  const [active, setActive] = useState(counter?.active ?? true);
  const save = useSave();
  const svc = new Map(config.services.map((s) => [s.id, s]));
  const move = (i: number, by: number) => {
    const next = [...ids];
    const [x] = next.splice(i, 1);
    next.splice(i + by, 0, x!);
    setIds(next);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { label: label.trim(), serviceIds: ids, active, ...(name?.ja ? { name } : {}) };
    const ok = await save.run(() => (counter ? adminApi('PATCH', `/api/admin/counters/${counter.id}`, body) : adminApi('POST', `/api/admin/offices/${config.office.id}/counters`, body)));
    if (ok) onDone();
  };
  const addable = config.services.filter((s) => !ids.includes(s.id));
  return (
    <form className="adm-form adm-panel" onSubmit={(e) => void submit(e)} aria-label={counter ? t('editCounter') : t('newCounter')}>
      <h3>{counter ? `${t('editCounter')}: ${counter.name.ja}` : t('newCounter')}</h3>
      <div className="adm-row">
        <Field label={t('label')}><input name="label" value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={8} size={6} /></Field>
        <label className="adm-check"><input type="checkbox" name="active" checked={active} onChange={(e) => setActive(e.target.checked)} /> {t('active')}</label>
      </div>
      <fieldset>
        <legend>{t('services')}</legend>
        <ol className="adm-order">
          {ids.map((id, i) => (
            <li key={id}>
              <span>{svc.get(id)?.prefix} {svc.get(id)?.name.ja ?? id}</span>
              <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('up')}>↑</button>
              <button type="button" onClick={() => move(i, 1)} disabled={i === ids.length - 1} aria-label={t('down')}>↓</button>
              <button type="button" onClick={() => setIds(ids.filter((x) => x !== id))}>{t('remove')}</button>
            </li>
          ))}
        </ol>
        {addable.length > 0 && (
          <select name="addService" value="" onChange={(e) => e.target.value && setIds([...ids, e.target.value])} aria-label={t('add')}>
            <option value="">＋ {t('add')}…</option>
            {addable.map((s) => <option key={s.id} value={s.id}>{s.prefix} {s.name.ja}</option>)}
          </select>
        )}
      </fieldset>
      <LocalizedFields label={t('name')} name="counterName" required={false} value={name ?? { ja: label ? `${label}番窓口` : '' }} onChange={setName} />
      <Status error={save.error} ok={false} />
      <div className="adm-actions">
        <button type="submit" className="adm-primary" disabled={save.busy}>{t('save')}</button>
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}
