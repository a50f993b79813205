import type { AndonKind, AndonTriggerKind } from '../../../core/andon/kinds.ts';
import type { DisplayState } from '../../../core/charts/states.ts';
import type { BigLoss } from '../../../core/oee/report.ts';
import type { Plant } from '../../../core/plant.schema.ts';
import type { MessageKey } from '../../i18n/en.ts';

/** Catalog key of a display state's name. */
export const stateKey = (s: DisplayState): MessageKey => `dash.state.${s}` as MessageKey;

/** Catalog key of one of the six big losses. */
export const lossKey = (l: BigLoss | 'planned'): MessageKey => `dash.loss.${l}` as MessageKey;

/** Reason id -> its plant entry (both levels of the tree), for labels in the viewer's language. */
export function reasonIndex(plant: Plant): Map<string, { label: string; labels: Record<string, string> }> {
  const out = new Map<string, { label: string; labels: Record<string, string> }>();
  for (const r of plant.reasons) {
    out.set(r.id, r);
    for (const c of r.children) out.set(c.id, c);
  }
  return out;
}

/** Reason id -> its top-level category (a category is its own), so a stop's badge names its reason's category. */
export function reasonCategories(plant: Plant): Map<string, { id: string; label: string; labels: Record<string, string> }> {
  const out = new Map<string, { id: string; label: string; labels: Record<string, string> }>();
  for (const r of plant.reasons) {
    out.set(r.id, r);
    for (const c of r.children) out.set(c.id, r);
  }
  return out;
}

/** Who a call asks for ("Maintenance"), in the shift report's words. */
export const andonKindKey = (k: AndonKind): MessageKey => `report.andonKind.${k}` as MessageKey;
/** What raised a call ("long stop", "call button"). */
export const andonTriggerKey = (t: AndonTriggerKind): MessageKey => `dash.andon.trigger.${t}` as MessageKey;
