import { de } from '../../app/i18n/de.ts';
import { deDash } from '../../app/i18n/de-dash.ts';
import { en } from '../../app/i18n/en.ts';
import { enLater } from '../../app/i18n/en-later.ts';
import { enDash } from '../../app/i18n/en-dash.ts';
import type { ReportCatalog } from '../../core/report/report-layout.ts';

/** The app's own catalogs: the PDF and email say exactly what the page says. */
export const reportLanguages = ['en', 'de'] as const;
export type ReportLanguage = (typeof reportLanguages)[number];

export function catalogOf(lang: ReportLanguage): ReportCatalog {
  return lang === 'de' ? { ...de, ...deDash } : { ...en, ...enLater, ...enDash };
}
