import { siteCardOf } from '../../core/central/site-card.schema.ts';
import { topics } from '../../core/topics.ts';
import type { PlantHolder } from '../plant-config/plant-holder.ts';

type Publish = (topic: string, payload: string, options?: { retain?: boolean }) => Promise<void>;

/**
 * Publishes the site's card (its areas and lines by name, nothing secret) retained on
 * `topics.siteCard`, for a central board the site's bridge carries it to (issue 16, many sites):
 * when leading starts and with each plant version.
 */
export function startSiteCard(o: { holder: Pick<PlantHolder, 'plant' | 'version'>; publish: Publish; now: () => number; log: (m: string, f?: Record<string, unknown>) => void }): { publishNow(): void } {
  const publishNow = () => {
    const plant = o.holder.plant();
    const card = siteCardOf(plant, o.holder.version(), o.now());
    o.publish(topics.siteCard(plant.site.id), JSON.stringify(card), { retain: true }).catch((error: unknown) => o.log('site card publish failed', { error: (error as Error).message }));
  };
  publishNow();
  return { publishNow };
}
