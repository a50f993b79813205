import { lineMetas, type LineMeta } from '../../../core/charts/board.ts';
import { unreasonedLabel } from '../../../core/reason-label.ts';
import type { LossCategory, Plant } from '../../../core/plant.schema.ts';
import type { LinePath } from '../../../core/topics.ts';
import { i18n } from '../../managers/i18n.svelte.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { api } from '../../services/api-client.ts';
import { reasonCategories, reasonIndex } from '../services/labels.ts';

/** The plant as the signed-in user may see it (the API scopes it), and labels in their language. */
class DashboardPlantManager {
  plant = $state.raw<Plant | null>(null);
  metas = $derived<LineMeta[]>(this.plant ? lineMetas(this.plant) : []);
  paths = $derived<LinePath[]>(this.metas.map((m) => ({ site: this.plant!.site.id, area: m.areaId, line: m.line.id })));
  #reasons = $derived(this.plant ? reasonIndex(this.plant) : new Map());
  #categories = $derived(this.plant ? reasonCategories(this.plant) : new Map());

  async load(token: string): Promise<Plant> {
    const plant = await api.plant(token);
    this.plant = plant;
    return plant;
  }

  clear(): void {
    this.plant = null;
  }

  meta = (lineId: string): LineMeta | undefined => this.metas.find((m) => m.line.id === lineId);
  /** A line's name, or its id when the plant does not have it (any more). */
  lineName = (lineId: string): string => this.meta(lineId)?.line.name ?? lineId;

  /** A reason's label; a stop without one is named by the core's `unreasonedLabel`. */
  reasonLabel = (reasonId: string | null, loss?: LossCategory | null, isLossNamed = true): string => {
    if (reasonId === null) return unreasonedLabel(loss, (key, params) => i18n.t(key as MessageKey, params), isLossNamed);
    const r = this.#reasons.get(reasonId);
    return r ? i18n.reasonLabel(r) : reasonId;
  };

  /** The category (top-level reason) a reason belongs to, in the viewer's language; null for none. */
  categoryLabel = (reasonId: string | null): string | null => {
    const c = reasonId === null ? undefined : this.#categories.get(reasonId);
    return c ? i18n.reasonLabel(c) : null;
  };

  /** A station's name on a line (its id when the plant names none). */
  stationName = (lineId: string, stationId: string): string => this.meta(lineId)?.line.stations.find((s) => s.id === stationId)?.name ?? stationId;

  /** A product's name (its id when unknown). */
  productName = (productId: string | null | undefined): string => (productId ? (this.plant?.products.find((p) => p.id === productId)?.name ?? productId) : '–');

  /** Leaf reasons for a reclassification picker: categories without children, and every child. */
  reasonChoices = (): { id: string; label: string }[] =>
    (this.plant?.reasons ?? []).flatMap((r) => (r.children.length ? r.children.map((c) => ({ id: c.id, label: `${i18n.reasonLabel(r)} › ${i18n.reasonLabel(c)}` })) : [{ id: r.id, label: i18n.reasonLabel(r) }]));
}

export const dashboardPlant = new DashboardPlantManager();
