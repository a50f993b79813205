/**
 * A report file's name, stamped with the shift's start in the plant's time zone
 * ("shift-report-turn-1-2026-12-04T1400.pdf" for the late shift of 14:00 local), so the name a
 * download and an email attachment get says the shift as the plant's people call it, not UTC.
 * @example reportFileName('shift-report-turn-1', Date.UTC(2026, 11, 4, 13), 'Europe/Berlin', 'pdf') // 'shift-report-turn-1-2026-12-04T1400.pdf'
 */
export function reportFileName(prefix: string, start: number, timezone: string, ext: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(start);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${prefix}-${get('year')}-${get('month')}-${get('day')}T${get('hour')}${get('minute')}.${ext}`;
}
