import { deDash } from '../i18n/de-dash.ts';
import { enDash, type DashMessageKey } from '../i18n/en-dash.ts';
import { formats } from '../../core/format.ts';

export type CentralLanguage = 'en' | 'de';
const catalogs: Record<CentralLanguage, Record<DashMessageKey, string>> = { en: enDash, de: deDash };
const KEY = 'floorboard.central.language';

const initial = (): CentralLanguage => {
  const kept = localStorage.getItem(KEY);
  if (kept === 'en' || kept === 'de') return kept;
  return navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
};

/** The company board's language: the browser's, until the user picks one (kept on this browser). */
export const lang = $state({ code: initial() });

export function setLanguage(code: CentralLanguage): void {
  lang.code = code;
  localStorage.setItem(KEY, code);
  document.documentElement.lang = code;
}

/** A message in the board's language, its `{name}` placeholders filled. */
export function t(key: DashMessageKey, params: Record<string, string | number> = {}): string {
  return catalogs[lang.code][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Numbers, percentages, times and durations through Intl in the board's language. */
export const fmt = () => formats(lang.code === 'de' ? 'de-DE' : 'en-GB');
