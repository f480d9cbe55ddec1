/**
 * Spreadsheet formula injection (CSV/XLSX): a text cell that Excel or LibreOffice would read as a
 * formula — starting with = + - @, a tab or a carriage return, also after leading spaces, and the
 * full-width ＝ ＋ － ＠ a Japanese IME types — gets a leading apostrophe, so it shows as the text it
 * is and never runs (e.g. a failed sign-in's login `=HYPERLINK(...)`, a service named `-1+2`).
 * Numbers stay numbers, and a text that is just a number ("-12.5") is left alone: it is no formula.
 * The one function every export uses: csv-stringify (`csvCast`), the hand-written CSV of the steps
 * export, the audit CSV and the exceljs workbooks.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function safeText(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** A cell of any export: text neutralised, numbers, null and the rest unchanged. */
export function safeCell<T>(v: T): T | string {
  return typeof v === 'string' ? safeText(v) : v;
}

/** csv-stringify `cast` option: every string through `safeText`, numbers as plain decimals. */
export const csvCast = { string: (s: string) => safeText(s), number: (n: number) => String(n) };
