import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Service } from '../../common/types.js';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, Field, Status, useSave } from './common.js';

/**
 * Whole visits (issue 16), on the services tab: which services may be combined on one ticket and
 * their default order (journey rank), which service has a 交付 stage and where it is collected,
 * and the "your turn is near" notices the office offers (e-mail via the SMTP relay, a webhook).
 */

const TX = {
  title: { ja: 'まとめ手続き・交付・お知らせ', en: 'Journeys, pick-up and notices' },
  help: { ja: '順番に数字を入れた用件は、発券機でまとめて選べます（小さい順に案内）。空欄はまとめられません。', en: 'Services with an order number can be combined at the kiosk (served in ascending order). Empty: not combinable.' },
  rank: { ja: 'まとめる順番', en: 'Journey order' },
  pickup: { ja: '交付窓口（書類作成中→交付）', en: 'Pick-up stage collected at' },
  none: { ja: 'なし', en: 'none' },
  notify: { ja: '順番が近づいたらのお知らせ', en: '“Your turn is near” notices' },
  email: { ja: 'メールで知らせる（庁舎のSMTPリレー：MADOGUCHI_SMTP_URL）', en: 'E-mail through the office SMTP relay (MADOGUCHI_SMTP_URL)' },
  webhook: { ja: 'Webhook の URL（LINE・SMS ゲートウェイ。空欄で無効）', en: 'Webhook URL (LINE / SMS gateway; empty = off)' },
  save: { ja: '保存', en: 'Save' },
} as const;

export function VisitsAdmin({ config, onSaved }: { config: OfficeConfig; onSaved: () => void }) {
  const { i18n } = useTranslation();
  const l = i18n.language === 'en' ? 'en' : 'ja';
  const tx = (k: keyof typeof TX) => TX[k][l];
  const services = config.services;
  const [rows, setRows] = useState(() => Object.fromEntries(services.map((s) => [s.id, { rank: s.journeyRank?.toString() ?? '', pickup: s.pickupServiceId ?? '' }])));
  const [email, setEmail] = useState(Boolean(config.office.notify?.email));
  const [webhook, setWebhook] = useState(config.office.notify?.webhookUrl ?? '');
  const save = useSave(onSaved);
  // A service added since this form opened starts from its own settings.
  const rowOf = (s: Service) => rows[s.id] ?? { rank: s.journeyRank?.toString() ?? '', pickup: s.pickupServiceId ?? '' };
  const setRow = (s: Service, v: Partial<{ rank: string; pickup: string }>) => setRows({ ...rows, [s.id]: { ...rowOf(s), ...v } });
  const changed = (s: Service) => {
    const r = rowOf(s);
    return (r.rank === '' ? null : Number(r.rank)) !== (s.journeyRank ?? null) || (r.pickup || null) !== (s.pickupServiceId ?? null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      for (const s of services.filter(changed)) {
        const r = rowOf(s);
        await adminApi('PATCH', `/api/admin/services/${s.id}`, { journeyRank: r.rank === '' ? null : Number(r.rank), pickupServiceId: r.pickup || null });
      }
      await adminApi('PATCH', `/api/admin/offices/${config.office.id}`, { notify: { email, webhookUrl: webhook.trim() || null } });
    });
  };
  return (
    <form className="adm-form adm-panel" onSubmit={submit} aria-label={tx('title')} data-testid="visits-admin">
      <h3>{tx('title')}</h3>
      <p className="adm-help">{tx('help')}</p>
      <table className="adm-table">
        <thead><tr><th /><th>{tx('rank')}</th><th>{tx('pickup')}</th></tr></thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id} data-service={s.id}>
              <th scope="row">{s.prefix} {s.name.ja}</th>
              <td><input type="number" min={0} max={999} size={4} name={`rank-${s.id}`} aria-label={`${tx('rank')} ${s.prefix}`} value={rowOf(s).rank} onChange={(e) => setRow(s, { rank: e.target.value })} /></td>
              <td>
                <select name={`pickup-${s.id}`} aria-label={`${tx('pickup')} ${s.prefix}`} value={rowOf(s).pickup} onChange={(e) => setRow(s, { pickup: e.target.value })}>
                  <option value="">{tx('none')}</option>
                  {services.filter((x) => x.id !== s.id).map((x) => <option key={x.id} value={x.id}>{x.prefix} {x.name.ja}</option>)}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset>
        <legend>{tx('notify')}</legend>
        <label className="adm-check"><input type="checkbox" name="notify.email" checked={email} onChange={(e) => setEmail(e.target.checked)} /> {tx('email')}</label>
        <Field label={tx('webhook')}><input type="url" name="notify.webhookUrl" className="adm-wide" value={webhook} onChange={(e) => setWebhook(e.target.value)} placeholder="https://" /></Field>
      </fieldset>
      <Status error={save.error} ok={save.ok} />
      <div className="adm-actions"><button type="submit" className="adm-primary" disabled={save.busy}>{tx('save')}</button></div>
    </form>
  );
}
