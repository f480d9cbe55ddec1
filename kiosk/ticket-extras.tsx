import type { Lang, LocalizedText } from '../common/types.js';
import { pick } from '../web/i18n.js';
import { Jx } from '../web/catalog/Text.js';

/** The office's ticket header or footer (admin: 番号札の上部・下部) on the kiosk's ticket screen, in the resident's language. */
export function TicketText(props: { text: LocalizedText | undefined; lang: Lang; testId: string }) {
  const value = props.text ? pick(props.text, props.lang).trim() : '';
  if (!value) return null;
  const shown = props.text?.[props.lang]?.trim() ? props.lang : 'ja';
  return (
    <p className="k-ticket-text" data-testid={props.testId} lang={shown === 'ja-easy' ? 'ja' : shown}>
      <Jx text={value} lang={shown} />
    </p>
  );
}
