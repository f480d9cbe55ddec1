import { useCallback, useEffect, useState } from 'react';
import { adminApi, describeError, Field, fmtTime, useT } from './common.js';

interface AuditRow { source: string; at: number; officeId: string | null; staffLogin: string | null; staffId: string | null; deviceId: string | null; action: string; target: string | null; detail: unknown; ip: string | null }

/** The audit log: who did what, when, from where; filters and CSV export. */
export function AuditAdmin({ officeId }: { officeId: string }) {
  const t = useT();
  const [f, setF] = useState({ staffId: '', action: '', from: '', to: '', commands: true });
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const query = () => {
    const q = new URLSearchParams({ officeId, limit: '300' });
    if (f.staffId) q.set('staffId', f.staffId);
    if (f.action) q.set('action', f.action);
    if (f.from) q.set('from', f.from);
    if (f.to) q.set('to', f.to);
    if (!f.commands) q.set('commands', '0');
    return q.toString();
  };
  const load = useCallback(() => {
    setError(null);
    adminApi<AuditRow[]>('GET', `/api/admin/audit?${query()}`).then(setRows).catch((e) => setError(describeError(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [officeId, f]);
  useEffect(load, [officeId]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div>
      <form className="adm-form adm-row" onSubmit={(e) => { e.preventDefault(); load(); }}>
        <Field label={t('who')}><input name="staffId" placeholder="clerk1" value={f.staffId} onChange={(e) => setF({ ...f, staffId: e.target.value })} size={10} /></Field>
        <Field label={t('action')}><input name="action" value={f.action} onChange={(e) => setF({ ...f, action: e.target.value })} size={14} placeholder="service." /></Field>
        <Field label={t('from')}><input name="from" type="date" value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} /></Field>
        <Field label={t('to')}><input name="to" type="date" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} /></Field>
        <label className="adm-check"><input type="checkbox" checked={f.commands} onChange={(e) => setF({ ...f, commands: e.target.checked })} /> {t('includeCommands')}</label>
        <div className="adm-actions">
          <button type="submit" className="adm-primary">{t('filter')}</button>
          <a className="adm-button" href={`/api/admin/audit.csv?${query()}`} download>{t('exportCsv')}</a>
        </div>
      </form>
      {error && <p role="alert" className="adm-error">{error}</p>}
      <table className="adm-table adm-audit">
        <thead><tr><th>{t('at')}</th><th>{t('who')}</th><th>{t('device')}</th><th>{t('ip')}</th><th>{t('action')}</th><th>{t('target')}</th><th>{t('detail')}</th></tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className={r.source === 'command' ? 'adm-command' : ''}>
              <td>{fmtTime(r.at)}</td><td>{r.staffLogin ?? r.staffId ?? '—'}</td><td>{r.deviceId ?? '—'}</td><td>{r.ip ?? '—'}</td>
              <td>{r.action}</td><td>{r.target ?? ''}</td><td className="adm-detail">{r.detail ? JSON.stringify(r.detail) : ''}</td>
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={7}>{t('none')}</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
