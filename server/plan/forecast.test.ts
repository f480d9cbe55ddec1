import { describe, expect, it } from 'vitest';
import { calendarOf, officeDay } from '../calendar/office.js';
import { backtest, fitForecast, seasonPosition, type DayInfo } from './forecast.js';
import { syntheticHistory, type SyntheticModel } from './synthetic.js';

const HOURS = { open: '08:30', close: '17:15', days: [1, 2, 3, 4, 5] };
const info: DayInfo = (d) => officeDay(d, HOURS, calendarOf(null, []));

const hourShare = new Array<number>(24).fill(0);
Object.assign(hourShare, { 8: 1, 9: 3, 10: 2, 11: 1.5, 12: 0.5, 13: 2, 14: 1.5, 15: 1, 16: 0.5 });
/** Known factors: Mondays ×1.4, Fridays ×1.1; the season doubles demand within a week of 1 April. */
const known: SyntheticModel = {
  level: (y) => 400 * (1 + 0.1 * (y - 2024)),
  season: (d) => (Math.abs(seasonPosition(d)) <= 7 ? 2 : 1),
  weekday: { 1: 1.4, 2: 1, 3: 1, 4: 1, 5: 1.1 },
  hourShare,
  mix: { A: 0.5, B: 0.3, C: 0.2 },
};

describe('demand forecast', () => {
  const history = syntheticHistory(known, info, '2024-01-04', '2026-12-25', 'known');

  it('recovers known weekday, hour-of-day, season and year factors from a constructed history', () => {
    const model = fitForecast(history, info);
    const wd = (n: number) => Math.exp(model.weekday[n]!);
    expect(wd(1) / wd(3)).toBeCloseTo(1.4, 1);
    expect(Math.abs(wd(1) / wd(3) - 1.4)).toBeLessThan(0.04);
    expect(Math.abs(wd(5) / wd(3) - 1.1)).toBeLessThan(0.03);
    expect(Math.abs(wd(2) / wd(4) - 1)).toBeLessThan(0.03);
    // hour profile: 9:00–10:00 carries 3/13 of the day
    expect(Math.abs(model.hourShares.other[9]! - 3 / 13)).toBeLessThan(0.005);
    expect(Math.abs(model.hourShares.season[13]! - 2 / 13)).toBeLessThan(0.005);
    // season: the peak week is twice an ordinary day
    const peak = Math.exp(model.season(seasonPosition('2027-04-01')));
    const ordinary = Math.exp(model.season(seasonPosition('2027-06-15')));
    expect(Math.abs(peak / ordinary - 2)).toBeLessThan(0.1);
    // years grow by 10 %
    expect(Math.abs(Math.exp(model.levels.get(2026)! - model.levels.get(2025)!) - 1.2 / 1.1)).toBeLessThan(0.03);
    // service mix
    const mix = model.serviceMix(seasonPosition('2027-06-15'));
    expect(Math.abs(mix.A! - 0.5)).toBeLessThan(0.01);
    // a forecast day multiplies them: a Monday in the peak week of 2027
    const f = model.predict('2027-03-29', info);
    const expected = 400 * 1.3 * 2 * 1.4;
    expect(Math.abs(f.mean / expected - 1)).toBeLessThan(0.08);
    expect(f.low).toBeLessThan(f.mean);
    expect(f.high).toBeGreaterThan(f.mean);
    expect(f.factors!.weekday / Math.exp(model.weekday[3]!)).toBeCloseTo(1.4, 1); // weekday factors are centred on the open weekdays
    expect(f.hours.map((h) => h.hour)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17].filter((h) => hourShare[h]! > 0));
  });

  it('gives national holidays from the library no demand: 春分の日 2027 and a 振替休日 are closed', () => {
    const model = fitForecast(history, info);
    const shunbun = model.predict('2027-03-21', info); // 春分の日 falls on Sunday 21 March in 2027
    expect(shunbun.open).toBe(false);
    expect(shunbun.holiday).toBe('春分の日');
    const furikae = model.predict('2027-03-22', info); // 振替休日 for 春分の日 on a Sunday
    expect(furikae.open).toBe(false);
    expect(furikae.reason).toBe('holiday');
    expect(furikae.holiday).toContain('振替休日');
    expect(furikae.mean).toBe(0);
    expect(furikae.hours).toEqual([]);
    // and the day after gets the after-holiday effect
    expect(model.predict('2027-03-23', info).factors!.effects).toContain('afterHoliday');
    // an office closure from the office calendar counts the same
    const closedInfo: DayInfo = (d) => officeDay(d, HOURS, calendarOf(null, [{ date: '2027-06-16', kind: 'closed' }]));
    expect(model.predict('2027-06-16', closedInfo)).toMatchObject({ open: false, mean: 0, reason: 'closed' });
  });

  it('backtests a season: small error and an honest interval on a noisy known history', () => {
    const bt = backtest(history, info, '2026-03-16', '2026-04-17');
    expect(bt.days.length).toBeGreaterThan(20);
    expect(bt.mape).toBeLessThan(8);
    expect(Math.abs(bt.bias)).toBeLessThan(6);
    expect(bt.coverage).toBeGreaterThan(0.6);
  });
});
