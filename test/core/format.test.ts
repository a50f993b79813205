import { describe, expect, it } from 'vitest';
import { formats } from '../../src/core/format.ts';
import { isOtherDay, timeOn } from '../../src/core/format-time-on.ts';

// Intl puts a no-break space between number and unit ("9,1 %"); compare what a reader sees.
const seen = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const noon = Date.UTC(2026, 11, 4, 12, 5);

describe('formats in the reader\'s language', () => {
  it.each([
    ['de', 0.0912, 1, '9,1 %'],
    ['en', 0.0912, 1, '9.1%'],
    ['de', 0.7479, 0, '75 %'],
    ['de', 1, 1, '100,0 %'],
    ['en', 1.234, 0, '123%'],
  ] as const)('%s: ratio %s to %s digits is "%s"', (locale, ratio, digits, text) => {
    expect(seen(formats(locale).percent(ratio, digits))).toBe(text);
  });

  it('writes no planned time as a dash, never 0 % or 100 %', () => {
    for (const locale of ['en', 'de']) {
      expect(formats(locale).percent(null)).toBe('–');
      expect(formats(locale).percent(Number.NaN)).toBe('–');
      expect(formats(locale).number(undefined)).toBe('–');
    }
  });

  it('groups and separates numbers as the language does', () => {
    expect(formats('de').number(18848)).toBe('18.848');
    expect(formats('en').number(18848)).toBe('18,848');
    expect(formats('de').number(420.5, 1)).toBe('420,5');
  });

  it('writes dates with two-digit day and month ("04.12.2026" in German)', () => {
    expect(formats('de', 'UTC').date(noon)).toBe('04.12.2026');
    expect(formats('en', 'UTC').date(noon)).toBe('12/04/2026');
    expect(formats('de', 'UTC').time(noon)).toBe('12:05');
    expect(formats('de', 'UTC').dateTime(noon)).toBe('04.12.2026, 12:05');
    expect(formats('de', 'UTC').time(noon - 3 * 3_600_000)).toBe('09:05');
    expect(seen(formats('en', 'UTC').time(noon - 3 * 3_600_000))).toBe('9:05 AM');
    expect(formats('de', 'Europe/Berlin').time(noon)).toBe('13:05');
    expect(formats('de', 'UTC').dayMonth(noon)).toBe('04.12.');
    expect(formats('en', 'UTC').dayMonth(noon)).toBe('12/04');
    expect(formats('de').days(28)).toBe('28 Tage');
    expect(formats('en').days(7)).toBe('7 days');
  });

  it.each([
    ['en', 45_000, '45 sec'],
    ['de', 45_000, '45 Sek.'],
    ['en', 12 * 60_000 + 59_000, '12 min'],
    ['de', 12 * 60_000, '12 Min.'],
    ['en', 65 * 60_000, '1 hr 5 min'],
    ['de', 65 * 60_000, '1 Std. 5 Min.'],
    ['de', 120 * 60_000, '2 Std.'],
    ['en', -5, '0 sec'],
  ] as const)('%s: %s ms is "%s"', (locale, ms, text) => {
    expect(seen(formats(locale).duration(ms))).toBe(text);
  });

  it('gives a time its day and month only when it falls on another day than the one read', () => {
    const de = formats('de', 'Europe/Berlin');
    const evening = Date.UTC(2026, 11, 4, 21, 10); // 22:10 in Berlin, 4 December
    const morning = Date.UTC(2026, 11, 5, 5, 30); // 06:30 in Berlin, 5 December
    expect(timeOn(de, morning, morning)).toBe('06:30');
    expect(timeOn(de, evening, morning)).toBe('04.12., 22:10');
    expect(seen(timeOn(formats('en', 'Europe/Berlin'), evening, morning))).toBe('12/04, 10:10 PM');
    // The day is the reader's zone's: 23:30 UTC is already the next day in Berlin.
    expect(timeOn(de, Date.UTC(2026, 11, 4, 23, 30), morning)).toBe('00:30');
  });

  it('decides "another day" in one place, the reader\'s zone\'s day, as timeOn does', () => {
    const de = formats('de', 'Europe/Berlin');
    const morning = Date.UTC(2026, 11, 5, 5, 30);
    expect(isOtherDay(de, Date.UTC(2026, 11, 4, 21, 10), morning)).toBe(true);
    expect(isOtherDay(de, Date.UTC(2026, 11, 4, 23, 30), morning)).toBe(false);
    expect(isOtherDay(de, morning, morning)).toBe(false);
  });

  it('runs a clock in h:mm:ss, the same in every language', () => {
    expect(formats('de').clock(65_000)).toBe('0:01:05');
    expect(formats('en').clock(3_725_000)).toBe('1:02:05');
  });

  it('builds one set of formatters per language and zone', () => {
    expect(formats('de')).toBe(formats('de'));
    expect(formats('de')).not.toBe(formats('en'));
  });

  it('names the weekdays of the shift calendar in the language, Monday first', () => {
    expect([0, 1, 6].map((d) => formats('en').weekday(d))).toEqual(['Mon', 'Tue', 'Sun']);
    expect([0, 1, 6].map((d) => formats('de').weekday(d))).toEqual(['Mo', 'Di', 'So']);
  });
});
