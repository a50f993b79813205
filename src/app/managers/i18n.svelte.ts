import { en, type MessageKey } from '../i18n/en.ts';
import type { Locale } from '../adapters/cache-idb.ts';
import { formats } from '../../core/format.ts';

type Catalog = Record<MessageKey, string>;
/** English ships in the shell; other languages load on first use (and are precached for offline). */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Catalog>> = {
  de: async () => (await import('../i18n/de.ts')).de,
};

/** The operator's language; every visible string goes through `t`. */
class I18nManager {
  locale = $state<Locale>('en');
  #catalog = $state.raw<Catalog>(en);

  /** Looks up a message and fills `{name}` placeholders. */
  t = (key: MessageKey, params: Record<string, string | number> = {}): string =>
    (this.#catalog[key] ?? en[key] ?? String(key)).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));

  /** Switches language once its catalog is loaded, so no screen shows half-translated text. */
  async set(locale: Locale): Promise<void> {
    const catalog = locale === 'en' ? en : await loaders[locale]();
    [this.#catalog, this.locale] = [catalog, locale];
    document.documentElement.lang = locale;
  }

  /** Label of a reason in the current language (plant-provided translations). */
  reasonLabel = (r: { label: string; labels?: Record<string, string> }): string => r.labels?.[this.locale] ?? r.label;

  /** A time of day in the current language; the formats live in core/format.ts (one per language, built once). */
  time = (ms: number): string => formats(this.locale).time(ms);
}

export const i18n = new I18nManager();
