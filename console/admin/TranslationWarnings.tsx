import { useEffect, useState } from 'react';
import type { MissingTranslation } from '../../server/admin/translations.js';
import { adminApi, describeError, useT } from './common.js';

/** The admin's warning about resident texts that lack a language (GET /api/admin/offices/:id/translations). */
export function TranslationWarnings({ officeId, version }: { officeId: string; version: unknown }) {
  const t = useT();
  const [missing, setMissing] = useState<MissingTranslation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    adminApi<{ missing: MissingTranslation[] }>('GET', `/api/admin/offices/${officeId}/translations`)
      .then((r) => setMissing(r.missing))
      .catch((e) => setError(describeError(e)));
  }, [officeId, version]);
  if (error) return <p role="alert" className="adm-error">{error}</p>;
  if (!missing) return null;
  if (!missing.length) return <p className="adm-ok" data-testid="translations-ok">✓ {t('translationsOk')}</p>;
  return (
    <section className="adm-warn" role="status" aria-labelledby="tr-h" data-testid="translations-missing">
      <h3 id="tr-h"><span aria-hidden="true">⚠ </span>{t('translationsTitle')}</h3>
      <p className="adm-note">{t('translationsHelp')}</p>
      <ul>
        {missing.map((m) => (
          <li key={`${m.id}|${m.field}`} data-missing={`${m.id}|${m.field}`}>
            <strong>{m.prefix ?? t('officeItself')}</strong> {m.ja}（{t(`field.${m.field}`)}）: {m.missing.map((l) => t(`lang.${l}`)).join('・')}
          </li>
        ))}
      </ul>
    </section>
  );
}
