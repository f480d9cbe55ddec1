import type { TFunction } from 'i18next';
import type { WaitEstimate } from '../common/types.js';
import { estimateText } from '../web/estimate.js';
import { STATUS_CATALOGUE } from '../status/i18n.js';

/**
 * The estimate on the display's waiting row (issue 13): 目安 and the range for a newcomer, worded
 * exactly as the kiosk, receipt and phone page word it (web/estimate.ts with the status page's
 * Japanese strings: 約20〜35分, 5分以内, or why there is none). The display is Japanese; the row's
 * English is its title (read out by screen readers).
 */
const ja = STATUS_CATALOGUE.ja;
const en = STATUS_CATALOGUE.en;

function catalogueT(strings: Record<string, string>): TFunction {
  return ((key: string, vars?: Record<string, unknown>) =>
    (strings[key] ?? key).replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars?.[k] ?? ''))) as unknown as TFunction;
}
const tJa = catalogueT(ja);
const tEn = catalogueT(en);

/** The text shown (Japanese) and its English, for one service's estimate. */
export function displayEstimate(e: Pick<WaitEstimate, 'lowMin' | 'highMin'>): { ja: string; en: string; none: boolean } {
  return { ja: estimateText(tJa, e), en: estimateText(tEn, e), none: e.lowMin === null || e.highMin === null };
}

export function WaitingEstimate(props: { estimate: WaitEstimate | undefined }) {
  if (!props.estimate) return null;
  const text = displayEstimate(props.estimate);
  return (
    <span className={`est${text.none ? ' none' : ''}`} data-testid="waiting-estimate" title={`Estimated wait: ${text.en}`}>
      {!text.none && <small>目安</small>}{text.ja}
    </span>
  );
}
