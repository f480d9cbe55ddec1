import { useEffect, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import type { DeviceKind } from '../../common/types.js';
import type { DeviceView, OfficeConfig } from './AdminPage.js';
import { adminApi, Field, fmtTime, Status, useSave, useT } from './common.js';

/** Devices: add a kiosk or display, show its pairing URL and QR code, revoke it (cut off at once). */
export function DevicesAdmin({ config, onSaved }: { config: OfficeConfig; onSaved: () => void }) {
  const t = useT();
  const [kind, setKind] = useState<DeviceKind>('kiosk');
  const [name, setName] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const save = useSave(onSaved);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await save.run(async () => {
      const d = await adminApi<DeviceView>('POST', `/api/admin/offices/${config.office.id}/devices`, { kind, name });
      setShown(d.id);
      setName('');
    });
  };
  return (
    <div>
      <table className="adm-table">
        <thead><tr><th>{t('kind')}</th><th>{t('name')}</th><th>{t('createdAt')}</th><th /></tr></thead>
        <tbody>
          {config.devices.map((d) => (
            <tr key={d.id} className={d.revokedAt ? 'adm-inactive' : ''}>
              <td>{t(`kind.${d.kind}`)}</td>
              <td>{d.name}{d.revokedAt && <span className="adm-badge">{t('revoked')}</span>}</td>
              <td>{fmtTime(d.createdAt)}</td>
              <td>
                {!d.revokedAt && <button type="button" onClick={() => setShown(shown === d.id ? null : d.id)}>{t('pairingUrl')}</button>}
                {!d.revokedAt && <button type="button" className="adm-danger" onClick={() => window.confirm(t('confirmRevoke')) && void save.run(() => adminApi('POST', `/api/admin/devices/${d.id}/revoke`, {}))}>{t('revokeDevice')}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && config.devices.find((d) => d.id === shown)?.pairingPath && <Pairing device={config.devices.find((d) => d.id === shown)!} />}
      <form className="adm-form adm-panel" onSubmit={(e) => void submit(e)} aria-label={t('newDevice')}>
        <h3>{t('newDevice')}</h3>
        <div className="adm-row">
          <Field label={t('kind')}>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as DeviceKind)}>
              <option value="kiosk">{t('kind.kiosk')}</option>
              <option value="display">{t('kind.display')}</option>
            </select>
          </Field>
          <Field label={t('name')}><input name="deviceName" value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} /></Field>
          <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{t('add')}</button></div>
        </div>
        <Status error={save.error} ok={save.ok} />
      </form>
    </div>
  );
}

function Pairing({ device }: { device: DeviceView }) {
  const t = useT();
  const url = `${location.origin}${device.pairingPath}`;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    void QRCode.toDataURL(url, { margin: 2, width: 240, errorCorrectionLevel: 'M' }).then(setQr);
  }, [url]);
  return (
    <div className="adm-panel adm-pairing" data-testid="pairing">
      <h3>{t('pairingUrl')}: {device.name}</h3>
      <p>{t('pairingHelp')}</p>
      <p><code data-testid="pairing-url">{url}</code></p>
      {qr && <img src={qr} alt={`QR: ${url}`} width={240} height={240} data-testid="pairing-qr" />}
    </div>
  );
}
