import { describe, expect, it } from 'vitest';
import { CommandGate } from '../counter/gate.js';

/** The counter screen's command gate: double presses do one thing; a retry reuses the command id. */
describe('counter command gate', () => {
  const make = () => {
    let n = 0;
    return new CommandGate(() => `cmd-${++n}`);
  };

  it('ignores a second press while the first is in flight', () => {
    const g = make();
    expect(g.begin('call-next')).toBe('cmd-1');
    expect(g.begin('call-next')).toBeNull();
    expect(g.begin('recall')).toBeNull();
    g.end('done');
    expect(g.begin('call-next')).toBe('cmd-2');
  });

  it('re-sends the same command id after a lost answer, a new one after an answer or for another action', () => {
    const g = make();
    expect(g.begin('call-next')).toBe('cmd-1');
    g.end('lost');
    expect(g.begin('call-next')).toBe('cmd-1');
    g.end('lost');
    expect(g.begin('call-next')).toBe('cmd-1');
    g.end('done');
    expect(g.begin('call-next')).toBe('cmd-2');
    g.end('refused');
    expect(g.begin('call-next')).toBe('cmd-3');
    g.end('lost');
    expect(g.begin('transfer|B')).toBe('cmd-4');
    g.end('done');
    expect(g.busy).toBe(false);
  });
});
