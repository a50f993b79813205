import type { CorrectablePayload } from '../events.schema.ts';
import type { AuditEntry } from './audit-trail.ts';

/** Looks a message up and fills its `{name}` placeholders (the app's `i18n.t`, or the report's translator). */
type Translate = (key: string, params?: Record<string, string | number>) => string;

/** How names, times and lengths read for the reader: plant names, Intl in their language. */
export interface AuditWords {
  t: Translate;
  reason: (id: string) => string;
  product: (id: string) => string;
  time: (ms: number) => string;
}

/** An entry in a few words: what it was ("Count +5 good, 1 scrap", "Stop (Jam)", a note's text). */
export function entryText(p: CorrectablePayload | null, w: AuditWords): string {
  if (!p) return '?';
  const reason = 'reasonId' in p && p.reasonId ? w.reason(p.reasonId) : null;
  switch (p.type) {
    case 'count':
      return w.t('audit.what.count', { good: p.good, reject: p.reject });
    case 'scrap':
      return w.t('audit.what.scrap', { n: p.quantity, reason: reason ?? '–' });
    case 'note':
      return `${w.t('audit.what.note')} “${p.text}”`;
    case 'stop.start':
      return reason ? `${w.t('audit.what.stop')} (${reason})` : w.t('audit.what.stop');
    case 'stop.end':
      return w.t('audit.what.stop-end');
    case 'stop.classify':
      return reason ?? '–';
    case 'stop.split':
      return w.t('audit.what.split', { time: w.time(p.at), reason: reason ?? '–' });
    case 'changeover.start':
      return w.t('audit.what.changeover', { product: w.product(p.toProductId) });
    case 'changeover.end':
      return w.t('audit.what.changeover-end');
    case 'handover':
      return w.t('audit.what.handover');
    default:
      return p.type;
  }
}

/**
 * What one audit entry changed, in the reader's words: "Reason given: – → Jam", "Jam → Setup",
 * "Split at 10:42, later part: Jam", "Voided: Count +5 good, 0 scrap (entered 10:42)". The lead's
 * audit list and the shift report (page, print, PDF, email) both say this.
 */
export function auditChangeText(e: Pick<AuditEntry, 'kind' | 'before' | 'after'> & { targetTs?: number | null }, w: AuditWords): string {
  const reasonOf = (p: CorrectablePayload | null) => (p && 'reasonId' in p && p.reasonId ? w.reason(p.reasonId) : null);
  switch (e.kind) {
    case 'void': {
      const what = entryText(e.before, w);
      return e.targetTs === null || e.targetTs === undefined ? w.t('audit.voided', { what }) : w.t('audit.voided-at', { what, time: w.time(e.targetTs) });
    }
    case 'classify':
      return `${w.t('dash.audit.classify')}: ${reasonOf(e.before) ?? '–'} → ${reasonOf(e.after) ?? '–'}`;
    case 'split':
      return entryText(e.after, w);
    case 'correction': {
      const [before, after] = [reasonOf(e.before), reasonOf(e.after)];
      // A reason changed on the same kind of entry reads as the reasons alone.
      if (before !== null && after !== null && e.before?.type === e.after?.type && e.before?.type !== 'scrap') return `${before} → ${after}`;
      return `${entryText(e.before, w)} → ${entryText(e.after, w)}`;
    }
  }
}
