import { i18n } from '../../managers/i18n.svelte.ts';

const KEY = 'floorboard.dashboard.locale';
type DashboardLocale = 'en' | 'de';
const isLocale = (x: unknown): x is DashboardLocale => x === 'en' || x === 'de';

/**
 * The dashboards' language: the one last chosen in this browser, else the browser's own (a German
 * browser opens the board in German), else English. The tablet keeps its own language on the tablet (device.setLocale).
 */
export function restoreDashboardLocale(languages: readonly string[] = navigator.languages): Promise<void> {
  const kept = localStorage.getItem(KEY);
  const preferred = languages.map((l) => l.slice(0, 2).toLowerCase()).find(isLocale);
  return i18n.set(isLocale(kept) ? kept : (preferred ?? 'en'));
}

/** Switches the dashboards' language and keeps the choice for the next visit (and the wall TV's restart). */
export function chooseDashboardLocale(locale: DashboardLocale): Promise<void> {
  localStorage.setItem(KEY, locale);
  return i18n.set(locale);
}
