import { appCatalogue } from '../web/catalog/index.js';

/** Phone status and ticket page strings: the status part of the resident catalogue (web/catalog/), six languages. */
export const STATUS_CATALOGUE = appCatalogue('status');
