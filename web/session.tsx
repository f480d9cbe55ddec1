import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { StaffInfo, Whoami } from '../common/types.js';
import { api, ApiError } from './api.js';

/** The signed-in staff member (cookie session), or null; `refresh` after login/logout. */
export function useStaff(): { staff: StaffInfo | null; loading: boolean; refresh: () => void; logout: () => Promise<void> } {
  const [staff, setStaff] = useState<StaffInfo | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(() => {
    setLoading(true);
    api<Whoami>('GET', '/api/auth/me')
      .then((w) => setStaff(w.kind === 'staff' ? w.staff : null))
      .catch(() => setStaff(null))
      .finally(() => setLoading(false));
  }, []);
  useEffect(refresh, [refresh]);
  const logout = async () => {
    await api('POST', '/api/auth/logout', {}).catch(() => undefined);
    setStaff(null);
  };
  return { staff, loading, refresh, logout };
}

/** Staff sign-in form (Japanese first, English beside). */
export function SignIn({ onSignedIn, title }: { onSignedIn: (s: StaffInfo) => void; title: string }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ staff: StaffInfo }>('POST', '/api/auth/login', { login, password });
      onSignedIn(r.staff);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="signin" onSubmit={submit} aria-label="サインイン Sign in">
      <h1>{title}</h1>
      <label>
        ログインID <small>Login</small>
        <input name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} required autoFocus />
      </label>
      <label>
        パスワード <small>Password</small>
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={busy}>サインイン <small>Sign in</small></button>
    </form>
  );
}
