import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../web/base.css';
import './console.css';
import { SignIn, useStaff } from '../web/session.js';
import { FloorPage } from './floor/FloorPage.js';
import { ReportsPage } from './reports/ReportsPage.js';
import { AdminPage } from './admin/AdminPage.js';
import { PasswordPage } from './account/PasswordPage.js';
import { PlanPage } from './plan/PlanPage.js';

/** Office console shell: live floor, reports, administration, one's own account. Each section lives in its own folder. */
type Tab = 'floor' | 'reports' | 'admin' | 'account' | 'plan';

const CHANGED = 'パスワードを変更しました。新しいパスワードでサインインしてください。 Password changed: sign in with the new one.';

function Console() {
  const { staff, mustChangePassword, loading, refresh, logout } = useStaff({ passwordChange: true });
  const [tab, setTab] = useState<Tab>('floor');
  const [notice, setNotice] = useState<string | null>(null);
  if (loading) return null;
  if (!staff) {
    return (
      <div className="cs-signin">
        <header className="cs-nav">
          <span className="cs-brand">窓口 Madoguchi</span>
        </header>
        <div className="cs-signin-body">
          <SignIn title="管理画面 Office console" passwordChange notice={notice} onSignedIn={() => { setNotice(null); setTab('floor'); refresh(); }} />
        </div>
      </div>
    );
  }
  const changed = () => {
    setNotice(CHANGED);
    refresh();
  };
  const nav = (
    <nav className="cs-nav" aria-label="管理画面 Console">
      <span className="cs-brand">管理画面</span>
      {!mustChangePassword && (
        <>
          <button aria-current={tab === 'floor' ? 'page' : undefined} onClick={() => setTab('floor')}>現況 Floor</button>
          <button aria-current={tab === 'reports' ? 'page' : undefined} onClick={() => setTab('reports')}>レポート Reports</button>
          {staff.role !== 'clerk' && <button aria-current={tab === 'plan' ? 'page' : undefined} onClick={() => setTab('plan')}>計画 Planning</button>}
          {staff.role === 'admin' && <button aria-current={tab === 'admin' ? 'page' : undefined} onClick={() => setTab('admin')}>管理 Admin</button>}
        </>
      )}
      <span className="cs-user">{staff.name}</span>
      {!mustChangePassword && <button aria-current={tab === 'account' ? 'page' : undefined} onClick={() => setTab('account')}>アカウント Account</button>}
      <button className="cs-out" onClick={() => void logout()}>サインアウト Sign out</button>
    </nav>
  );
  if (mustChangePassword) {
    return (
      <div>
        {nav}
        <PasswordPage staff={staff} forced onChanged={changed} />
      </div>
    );
  }
  return (
    <div>
      {nav}
      {tab === 'floor' && <FloorPage staff={staff} />}
      {tab === 'reports' && <ReportsPage staff={staff} />}
      {tab === 'plan' && <PlanPage staff={staff} />}
      {tab === 'admin' && <AdminPage staff={staff} />}
      {tab === 'account' && <PasswordPage staff={staff} forced={false} onChanged={changed} />}
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Console /></StrictMode>);
