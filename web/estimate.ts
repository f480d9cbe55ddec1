import type { TFunction } from 'i18next';
import type { WaitEstimate } from '../common/types.js';

/**
 * The wait estimate as residents read it: a range ("約20〜35分"), "5分以内" when it may be now,
 * or a plain sentence when no counter serving the service is open (no number is better than a
 * false one). Catalogue keys: estimate {{low}} {{high}}, estimateWithin {{high}}, noEstimate.
 */
export function estimateText(t: TFunction, e: Pick<WaitEstimate, 'lowMin' | 'highMin'>): string {
  if (e.lowMin === null || e.highMin === null) return t('noEstimate');
  if (e.lowMin === 0) return t('estimateWithin', { high: e.highMin });
  return t('estimate', { low: e.lowMin, high: e.highMin });
}
