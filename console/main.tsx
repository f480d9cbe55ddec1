import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../web/base.css';
import './console.css';
import { SignIn, useStaff } from '../web/session.js';
import { FloorPage } from './floor/FloorPage.js';
import { ReportsPage } from './reports/ReportsPage.js';
import { AdminPage } from './admin/AdminPage.js';

/** Office console shell: live floor, reports, administration. Each section lives in its own folder. */
type Tab = 'floor' | 'reports' | 'admin';

function Console() {
  const { staff, loading, refresh, logout } = useStaff();
  const [tab, setTab] = useState<Tab>('floor');
  if (loading) return null;
  if (!staff) return <SignIn title="管理画面 Office console" onSignedIn={refresh} />;
  return (
    <div>
      <nav className="cs-nav" aria-label="管理画面 Console">
        <span className="cs-brand">管理画面</span>
        <button aria-current={tab === 'floor' ? 'page' : undefined} onClick={() => setTab('floor')}>現況 Floor</button>
        <button aria-current={tab === 'reports' ? 'page' : undefined} onClick={() => setTab('reports')}>レポート Reports</button>
        {staff.role === 'admin' && <button aria-current={tab === 'admin' ? 'page' : undefined} onClick={() => setTab('admin')}>管理 Admin</button>}
        <span className="cs-user">{staff.name}</span>
        <button className="cs-out" onClick={() => void logout()}>サインアウト Sign out</button>
      </nav>
      {tab === 'floor' && <FloorPage staff={staff} />}
      {tab === 'reports' && <ReportsPage staff={staff} />}
      {tab === 'admin' && <AdminPage staff={staff} />}
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Console /></StrictMode>);
