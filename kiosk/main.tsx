import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../web/base.css';
import { api, ApiError, deviceToken, newCommandId } from '../web/api.js';
import { useLiveOffice } from '../web/socket.js';
import type { CommandResult, IssuedTicket, PublicSnapshot, Whoami } from '../common/index.js';

/** Minimal kiosk (the resident-side issue fills it out): one button per service. */
function Kiosk() {
  const token = deviceToken();
  const [officeId, setOfficeId] = useState<string | null>(null);
  const [ticket, setTicket] = useState<IssuedTicket | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!token) return;
    api<Whoami>('GET', '/api/device/me', undefined, { device: token }).then((w) => w.kind === 'device' && setOfficeId(w.device.officeId)).catch((e: ApiError) => setError(e.message));
  }, [token]);
  const live = useLiveOffice<PublicSnapshot>(officeId, { deviceToken: token });
  if (!token) return <p>この発券機は登録されていません。 / This kiosk is not paired.</p>;
  const issue = async (serviceId: string) => {
    try {
      const r = await api<CommandResult>('POST', `/api/offices/${officeId}/tickets`, { commandId: newCommandId(), serviceId }, { device: token });
      setTicket(r.ticket as IssuedTicket);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  return (
    <main>
      <h1>番号札をお取りください</h1>
      {!live.connected && <p role="alert">接続中… / Connecting…</p>}
      {error && <p role="alert">{error}</p>}
      {live.snapshot?.services.filter((s) => s.kioskVisible).map((s) => (
        <button key={s.id} disabled={s.refusal !== null} onClick={() => void issue(s.id)}>{s.prefix} {s.name.ja}</button>
      ))}
      {ticket && <p data-testid="ticket-number">{ticket.display}</p>}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Kiosk /></StrictMode>);
