import { en, type MessageKey } from '../i18n/en.ts';
import type { Locale } from '../adapters/cache-idb.ts';
import { formats } from '../../core/format.ts';
import { isOtherDay, timeOn } from '../../core/format-time-on.ts';

type Label = { id: string; label: string; labels?: Record<string, string> };
type Reason = Label & { children: readonly Label[] };
type Catalog = Readonly<Partial<Record<MessageKey, string>>>;
/** The tablet's messages: English ships in the shell; other languages load on first use (and are precached for offline). */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Catalog>> = {
  de: async () => (await import('../i18n/de.ts')).de,
};
/** The dashboards' and report's messages: loaded with the dashboards, never in the tablet's first screen. */
const dashLoaders: Record<Locale, () => Promise<Catalog>> = {
  en: async () => (await import('../i18n/en-dash.ts')).enDash,
  de: async () => (await import('../i18n/de-dash.ts')).deDash,
};

/** The operator's language; every visible string goes through `t`. */
class I18nManager {
  locale = $state<Locale>('en');
  #catalog = $state.raw<Catalog>(en);
  /** English: what a message missing in the language falls back to. */
  #english: Catalog = en;
  #hasDashboard = false;
  /** The tablet's English beyond its first screen (en-later.ts), once loaded. */
  #later: Catalog | null = null;
  #laterLoad: Promise<void> | null = null;

  /** Loads the English messages of what comes after the first screen (once; again after a failure). */
  loadLater(): Promise<void> {
    this.#laterLoad ??= import('../i18n/en-later.ts').then(
      ({ enLater }) => {
        this.#later = enLater;
        this.#english = { ...this.#english, ...enLater };
        if (this.locale === 'en') this.#catalog = { ...this.#catalog, ...enLater };
      },
      (error: unknown) => {
        this.#laterLoad = null;
        throw error;
      },
    );
    return this.#laterLoad;
  }

  /** A screen or sheet loaded after the first screen, once its messages are there too (use with `{#await}`). */
  withMessages = <T>(module: Promise<T>): Promise<T> => Promise.all([module, this.loadLater()]).then(([m]) => m);

  /** Looks up a message and fills `{name}` placeholders. */
  t = (key: MessageKey, params: Record<string, string | number> = {}): string =>
    (this.#catalog[key] ?? this.#english[key] ?? String(key)).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));

  /** Switches language once its catalogs are loaded, so no screen shows half-translated text. */
  async set(locale: Locale): Promise<void> {
    const [tablet, dash] = await Promise.all([locale === 'en' ? { ...en, ...this.#later } : loaders[locale](), this.#hasDashboard ? dashLoaders[locale]() : {}]);
    [this.#catalog, this.locale] = [{ ...tablet, ...dash }, locale];
    document.documentElement.lang = locale;
  }

  /** Loads the dashboards' messages (English and the current language) before a dashboard shows. */
  async loadDashboard(): Promise<void> {
    if (this.#hasDashboard) return;
    const locale = this.locale;
    const [english, dash] = await Promise.all([dashLoaders.en(), dashLoaders[locale](), this.loadLater()]);
    this.#english = { ...this.#english, ...english };
    this.#hasDashboard = true;
    if (this.locale === locale) this.#catalog = { ...this.#catalog, ...dash };
    else await this.set(this.locale);
  }

  /** Label of a reason in the current language (plant-provided translations). */
  reasonLabel = (r: { label: string; labels?: Record<string, string> }): string => r.labels?.[this.locale] ?? r.label;
  /** Label of the plant's reason (category or sub-reason) of this id in the current language; the id if the plant does not know it. */
  reasonName = (reasons: readonly Reason[], id: string): string => {
    const r = reasons.flatMap((c) => [c, ...c.children]).find((x) => x.id === id);
    return r ? this.reasonLabel(r) : id;
  };

  /**
   * A time of day in the current language; the formats live in core/format.ts (one per language, built once).
   * With `day`: with day and month too when `ms` falls on another day ("05.12., 12:00"), so a stop of yesterday never reads as today's.
   */
  time = (ms: number, day = ms): string => timeOn(formats(this.locale), ms, day);
  /** Whether `ms` falls on another day than `day` (then `time(ms, day)` gives its day and month). */
  isOtherDay = (ms: number, day: number): boolean => isOtherDay(formats(this.locale), ms, day);
}

export const i18n = new I18nManager();
