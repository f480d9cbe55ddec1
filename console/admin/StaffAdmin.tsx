import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { LocalizedText, StaffInfo, StaffRole } from '../../common/types.js';
import { adminApi, describeError, Field, fmtTime, Status, useSave, useT } from './common.js';

interface StaffView { id: string; login: string; name: string; role: StaffRole; officeId: string | null; disabled: boolean; lockedUntil: number | null; activeSessions: number }
interface SessionView { id: string; createdAt: number; lastSeenAt: number; expiresAt: number; ip: string | null; userAgent: string | null; active: boolean }

/** Staff accounts: create, role, office, reset password, disable (ends sessions at once), sessions. */
export function StaffAdmin({ me, offices, officeId }: { me: StaffInfo; offices: { id: string; name: LocalizedText }[]; officeId: string }) {
  const t = useT();
  const [list, setList] = useState<StaffView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = useCallback(() => void adminApi<StaffView[]>('GET', '/api/admin/staff').then(setList).catch((e) => setError(describeError(e))), []);
  useEffect(load, [load]);
  const officeName = (id: string | null) => (id === null ? t('allOffices') : (offices.find((o) => o.id === id)?.name.ja ?? id));
  return (
    <div>
      {error && <p role="alert" className="adm-error">{error}</p>}
      <table className="adm-table">
        <thead><tr><th>{t('login')}</th><th>{t('name')}</th><th>{t('role')}</th><th>{t('office')}</th><th>{t('activeSessions')}</th><th /></tr></thead>
        <tbody>
          {list.map((s) => (
            <tr key={s.id} className={s.disabled ? 'adm-inactive' : ''}>
              <td>{s.login}{s.disabled && <span className="adm-badge">{t('disabled')}</span>}{s.lockedUntil && s.lockedUntil > Date.now() && <span className="adm-badge">{t('lockedUntil')}</span>}</td>
              <td>{s.name}</td>
              <td>{t(`role.${s.role}`)}</td>
              <td>{officeName(s.officeId)}</td>
              <td>{s.activeSessions}</td>
              <td><button type="button" onClick={() => setOpen(open === s.id ? null : s.id)}>{t('edit')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && list.find((s) => s.id === open) && <StaffEditor key={open} staff={list.find((s) => s.id === open)!} me={me} offices={offices} onChanged={load} />}
      {!open && <NewStaff me={me} offices={offices} officeId={officeId} onCreated={load} />}
    </div>
  );
}

function OfficeSelect({ me, offices, value, onChange }: { me: StaffInfo; offices: { id: string; name: LocalizedText }[]; value: string | null; onChange: (v: string | null) => void }) {
  const t = useT();
  return (
    <select name="officeId" value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} disabled={me.officeId !== null}>
      {me.officeId === null && <option value="">{t('allOffices')}</option>}
      {offices.map((o) => <option key={o.id} value={o.id}>{o.name.ja}</option>)}
    </select>
  );
}

function NewStaff({ me, offices, officeId, onCreated }: { me: StaffInfo; offices: { id: string; name: LocalizedText }[]; officeId: string; onCreated: () => void }) {
  const t = useT();
  const [d, setD] = useState({ login: '', name: '', role: 'clerk' as StaffRole, officeId: officeId as string | null, password: '' });
  const save = useSave(onCreated);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save.run(() => adminApi('POST', '/api/admin/staff', d))) setD({ ...d, login: '', name: '', password: '' });
  };
  return (
    <form className="adm-form adm-panel" onSubmit={(e) => void submit(e)} aria-label={t('newStaff')}>
      <h3>{t('newStaff')}</h3>
      <div className="adm-row">
        <Field label={t('login')}><input name="login" value={d.login} onChange={(e) => setD({ ...d, login: e.target.value })} required autoComplete="off" /></Field>
        <Field label={t('name')}><input name="name" value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} required /></Field>
        <Field label={t('role')}>
          <select name="role" value={d.role} onChange={(e) => setD({ ...d, role: e.target.value as StaffRole })}>
            {(['clerk', 'supervisor', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
        </Field>
        <Field label={t('office')}><OfficeSelect me={me} offices={offices} value={d.officeId} onChange={(v) => setD({ ...d, officeId: v })} /></Field>
        <Field label={t('password')}><input name="password" type="password" value={d.password} onChange={(e) => setD({ ...d, password: e.target.value })} required minLength={10} autoComplete="new-password" /></Field>
      </div>
      <Status error={save.error} ok={save.ok} />
      <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{t('add')}</button></div>
    </form>
  );
}

function StaffEditor({ staff, me, offices, onChanged }: { staff: StaffView; me: StaffInfo; offices: { id: string; name: LocalizedText }[]; onChanged: () => void }) {
  const t = useT();
  const [name, setName] = useState(staff.name);
  const [role, setRole] = useState<StaffRole>(staff.role);
  const [officeId, setOfficeId] = useState<string | null>(staff.officeId);
  const [password, setPassword] = useState('');
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const loadSessions = useCallback(() => void adminApi<SessionView[]>('GET', `/api/admin/staff/${staff.id}/sessions`).then(setSessions).catch(() => setSessions([])), [staff.id]);
  useEffect(loadSessions, [loadSessions]);
  const save = useSave(() => { onChanged(); loadSessions(); });
  const self = staff.id === me.id;
  return (
    <div className="adm-panel">
      <h3>{staff.name}（{staff.login}）</h3>
      <form className="adm-form" onSubmit={(e) => { e.preventDefault(); void save.run(() => adminApi('PATCH', `/api/admin/staff/${staff.id}`, { name, role, officeId })); }}>
        <div className="adm-row">
          <Field label={t('name')}><input name="name" value={name} onChange={(e) => setName(e.target.value)} required /></Field>
          <Field label={t('role')}>
            <select name="role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)} disabled={self}>
              {(['clerk', 'supervisor', 'admin'] as const).map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
            </select>
          </Field>
          <Field label={t('office')}><OfficeSelect me={me} offices={offices} value={officeId} onChange={setOfficeId} /></Field>
          <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{t('save')}</button></div>
        </div>
      </form>
      <form className="adm-form" onSubmit={(e) => { e.preventDefault(); void save.run(() => adminApi('POST', `/api/admin/staff/${staff.id}/password`, { password })).then((ok) => ok && setPassword('')); }}>
        <div className="adm-row">
          <Field label={t('newPassword')}><input name="newPassword" type="password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={10} required autoComplete="new-password" /></Field>
          <div className="adm-actions"><button type="submit" disabled={save.busy}>{t('resetPassword')}</button></div>
        </div>
      </form>
      <div className="adm-actions">
        {!self && (staff.disabled ? (
          <button type="button" onClick={() => void save.run(() => adminApi('PATCH', `/api/admin/staff/${staff.id}`, { disabled: false }))}>{t('enable')}</button>
        ) : (
          <button type="button" className="adm-danger" onClick={() => window.confirm(t('confirmDisable')) && void save.run(() => adminApi('PATCH', `/api/admin/staff/${staff.id}`, { disabled: true }))}>{t('disable')}</button>
        ))}
        <button type="button" onClick={() => void save.run(() => adminApi('POST', `/api/admin/staff/${staff.id}/sessions/revoke`, {}))}>{t('revokeAll')}</button>
      </div>
      <Status error={save.error} ok={save.ok} />
      <h4>{t('sessions')}</h4>
      <table className="adm-table">
        <thead><tr><th>{t('createdAt')}</th><th>{t('lastSeen')}</th><th>{t('ip')}</th><th /></tr></thead>
        <tbody>
          {sessions.filter((s) => s.active).map((s) => (
            <tr key={s.id}>
              <td>{fmtTime(s.createdAt)}</td><td>{fmtTime(s.lastSeenAt)}</td><td>{s.ip ?? '—'}</td>
              <td><button type="button" onClick={() => void save.run(() => adminApi('POST', `/api/admin/staff/${staff.id}/sessions/revoke`, { sessionId: s.id }))}>{t('revoke')}</button></td>
            </tr>
          ))}
          {!sessions.some((s) => s.active) && <tr><td colSpan={4}>{t('none')}</td></tr>}
        </tbody>
      </table>
    </div>
  );
}
