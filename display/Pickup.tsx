import type { Lang, PublicSnapshot } from '../common/types.js';
import { CATALOG } from '../web/catalog/index.js';
import { Jx } from '../web/catalog/Text.js';
import './pickup.css';

/**
 * The 交付 panel (issue 16): numbers whose papers are ready and not yet called, oldest first, in
 * the no-show row's free space (it takes the guide's place while any is ready). When a 交付
 * counter calls one it leaves the panel and appears with the other calls (and is announced).
 * Its line under 交付 follows the display's language rotation (`display.pickup.ready` in the catalogue).
 */
export const PICKUP_SHOWN = 6;

export function PickupPanel({ snap, lang = 'ja' }: { snap: PublicSnapshot; lang?: Lang }) {
  const ready = snap.pickupsReady ?? [];
  if (!ready.length) return null;
  return (
    <div className="pickup-panel" data-testid="pickups">
      <h3>交付 {lang === 'ja' ? <span className="sub">書類ができました Ready</span> : <span className="sub" lang={lang === 'ja-easy' ? 'ja' : lang} data-testid="pickups-lang"><Jx text={CATALOG[lang].display['pickup.ready']} lang={lang} /></span>}</h3>
      <ol>
        {ready.slice(0, PICKUP_SHOWN).map((p) => <li key={p.display} className="num" data-testid="pickup-number">{p.display}</li>)}
        {ready.length > PICKUP_SHOWN && <li className="more">+{ready.length - PICKUP_SHOWN}</li>}
      </ol>
    </div>
  );
}

export const hasPickups = (snap: PublicSnapshot) => (snap.pickupsReady?.length ?? 0) > 0;
