import { eraDate, tokyoToday } from './format.js';

/**
 * Title block of a printed report (hidden on screen): what, which offices, which period, and the
 * date the figures were taken (データ基準日). The screen's navigation and filters do not print.
 */
export function PrintHeader({ title, offices, period, asOf }: { title: string; offices: string[]; period: string; asOf?: number }) {
  const today = tokyoToday(asOf === undefined ? new Date() : new Date(asOf));
  return (
    <header className="rp-print-head" aria-hidden="true">
      <h1>{title}</h1>
      <p>
        <span>対象：{offices.join('・')}</span>
        <span>期間：{period}</span>
        <span>データ基準日：{eraDate(today)}（{today}）</span>
      </p>
    </header>
  );
}
