import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../web/base.css';
import { api, deviceToken } from '../web/api.js';
import { useLiveOffice } from '../web/socket.js';
import type { PublicSnapshot, Whoami } from '../common/index.js';

/** Minimal display (the display issue fills it out): the newest call. */
function Display() {
  const token = deviceToken();
  const [officeId, setOfficeId] = useState<string | null>(null);
  useEffect(() => {
    if (token) void api<Whoami>('GET', '/api/device/me', undefined, { device: token }).then((w) => w.kind === 'device' && setOfficeId(w.device.officeId));
  }, [token]);
  const live = useLiveOffice<PublicSnapshot>(officeId, { deviceToken: token });
  const last = live.snapshot?.recentCalls.at(-1);
  return (
    <main>
      {!live.connected && <span>オフライン</span>}
      <h1 data-testid="latest-call">{last ? `${last.display} → ${last.counterLabel}番窓口` : '—'}</h1>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Display /></StrictMode>);
