import { appCatalogue } from '../web/catalog/index.js';

/**
 * Kiosk UI strings: the kiosk part of the one resident catalogue per language (web/catalog/).
 * Service names and descriptions come from the office configuration (`pick`), not from here.
 */
export { LANG_LABELS } from '../web/catalog/index.js';
export const KIOSK_CATALOGUE = appCatalogue('kiosk');
