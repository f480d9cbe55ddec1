import { useState, type FormEvent } from 'react';
import type { StaffInfo } from '../../common/types.js';
import { api, ApiError } from '../../web/api.js';

/**
 * アカウント Account: any staff member changes their own password. With `forced` it is the only
 * page a first-run password gets (the server answers everything else with PASSWORD_CHANGE_REQUIRED).
 * A change ends every session of the account, this one too: `onChanged` goes back to sign-in.
 */
export function PasswordPage({ staff, forced, onChanged }: { staff: StaffInfo; forced: boolean; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && next !== again;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setError('新しいパスワードが一致しません。 / The new passwords do not match.');
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/password', { currentPassword: current, newPassword: next });
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="cs-account">
      <form className="cs-card" onSubmit={submit} aria-label="パスワードの変更 Change password">
        <h1>パスワードの変更 <small>Change password</small></h1>
        {forced && (
          <p role="status" className="cs-callout">
            初期パスワードのままです。続けるには、ご自身だけが知る新しいパスワードに変更してください。
            <small>This is a first-run password. Choose a new one only you know to continue.</small>
          </p>
        )}
        <p className="cs-who">
          {staff.name} <small>({staff.login})</small>
        </p>
        <label>
          現在のパスワード <small>Current password</small>
          <input name="currentPassword" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoFocus />
        </label>
        <label>
          新しいパスワード <small>New password</small>
          <input name="newPassword" type="password" autoComplete="new-password" value={next} onChange={(e) => { setNext(e.target.value); setError(null); }} required minLength={10} maxLength={256} />
        </label>
        <label>
          新しいパスワード（確認） <small>New password again</small>
          <input name="newPasswordAgain" type="password" autoComplete="new-password" value={again} onChange={(e) => { setAgain(e.target.value); setError(null); }} required aria-invalid={mismatch} />
        </label>
        <ul className="cs-rules">
          <li>10文字以上（文章のような長いものも可） <small>at least 10 characters; a passphrase is welcome</small></li>
          <li>ログインIDを含まない <small>not containing your login</small></li>
          <li>同じ文字の繰り返し・1234やqwertyのような並び・よく使われるものは不可 <small>no repeats, sequences or common passwords</small></li>
        </ul>
        {mismatch && <p className="cs-error">新しいパスワードが一致しません。 <small>The new passwords do not match.</small></p>}
        {error && <p role="alert" className="cs-error">{error}</p>}
        <button type="submit" disabled={busy || mismatch}>変更する <small>Change</small></button>
        <p className="cs-note">変更すると、すべての端末でサインアウトされます。新しいパスワードでサインインし直してください。 <small>Changing it signs you out everywhere; sign in again with the new password.</small></p>
      </form>
    </main>
  );
}
