import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../web/src/lib/csv.ts';
import { chartNumber, isDecimal, trimZeros } from '../../web/src/lib/decimal.ts';
import { chainNow, phaseAt, wallSecondsUntil } from '../../web/src/lib/phase.ts';
import { chainDate, formatDuration } from '../../web/src/lib/time.ts';

// The web UI's pure logic, run in Node: what the browser test cannot pin down to the second or the
// character (CSV quoting, the countdown's arithmetic, amounts shown as they come).

describe('CSV export', () => {
  it('quotes fields holding a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('Alice "home"')).toBe('"Alice ""home"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['卖方', 'price'], [['Wind, Farm', '0.5']])).toBe('卖方,price\r\n"Wind, Farm",0.5\r\n');
  });
});

describe('amounts', () => {
  it('shows decimal strings as they come, without trailing zeros of the fraction', () => {
    expect(trimZeros('120.500000000000000000')).toBe('120.5');
    expect(trimZeros('20.0')).toBe('20');
    expect(trimZeros('-0.120')).toBe('-0.12');
    expect(trimZeros('100')).toBe('100');
    expect(trimZeros('0.000000000000000001')).toBe('0.000000000000000001');
  });

  it('recognises unsigned decimal strings and makes chart coordinates', () => {
    expect(isDecimal('3.217')).toBe(true);
    expect(isDecimal('-1')).toBe(false);
    expect(isDecimal('1e3')).toBe(false);
    expect(chartNumber('0.65')).toBe(0.65);
    expect(chartNumber(null)).toBeNull();
  });
});

describe('phase countdown', () => {
  const windows = {
    commitOpens: 1000,
    commitCloses: 1180,
    revealCloses: 1300,
    deliveryStarts: 1900,
    deliveryEnds: 2800,
    readingDeadline: 3400,
  };

  it('finds the phase and when it ends, as the core’s phaseAt', () => {
    expect(phaseAt(windows, 999)).toEqual({ phase: 'upcoming', endsAt: 1000 });
    expect(phaseAt(windows, 1000)).toEqual({ phase: 'commit', endsAt: 1180 });
    expect(phaseAt(windows, 1180)).toEqual({ phase: 'reveal', endsAt: 1300 });
    expect(phaseAt(windows, 1500)).toEqual({ phase: 'clearing', endsAt: 1900 });
    expect(phaseAt(windows, 2000)).toEqual({ phase: 'delivery', endsAt: 2800 });
    expect(phaseAt(windows, 3000)).toEqual({ phase: 'reading', endsAt: 3400 });
    expect(phaseAt(windows, 3400)).toEqual({ phase: 'settlement', endsAt: null });
  });

  it('counts wall-clock seconds as chain seconds remaining divided by the speed', () => {
    // 2 wall seconds after the server said chain time 1000 at speed 30: chain time 1060.
    const now = chainNow(1000, 30, 10_000, 12_000);
    expect(now).toBe(1060);
    expect(wallSecondsUntil(1180, now, 30)).toBe(4);
    expect(wallSecondsUntil(1180, 1200, 30)).toBe(0);
    expect(formatDuration(4)).toBe('00:04');
    expect(formatDuration(3725.2)).toBe('1:02:06');
  });

  it('dates a chain time in UTC, as /api/days counts days', () => {
    expect(chainDate(1_795_000_000)).toBe('2026-11-18');
  });
});
