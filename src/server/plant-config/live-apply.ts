import type { Andon } from '../andon/andon-service.ts';
import type { BrokerSide } from '../broker/broker-side.ts';
import type { BucketWriter } from '../history/bucket-writer.ts';
import type { ReloadableLive } from '../live/reloadable-live.ts';
import type { ReportScheduler } from '../report/report-scheduler.ts';
import { changedUsers } from './changed-users.ts';
import type { PlantHolder } from './plant-holder.ts';

/** The running parts that hold state built from the plant; null where a part is not running. */
export interface LiveParts {
  live: () => ReloadableLive | null;
  andon: Pick<Andon, 'setIndex'>;
  buckets: () => BucketWriter | null;
  reports: () => Pick<ReportScheduler, 'setPlant'> | null;
  /** The site's card for a central board (issue 16); null unless leading. */
  siteCard?: () => { publishNow(): void } | null;
  broker: Pick<BrokerSide, 'applyPlant'>;
}

/**
 * A new plant version reaches every running part without a restart (issue 13):
 * - the broker: sessions of users it changed end (they sign in again under it), new scopes exist;
 * - live OEE loads again with it and publishes each line's status with the new version, which
 *   tells tablets and boards to fetch their plant and roster again;
 * - andon evaluates its rules and recipients from the next tick;
 * - hourly buckets and shift reports written from now on use it; what is written stays.
 * Everything that reads the plant per request or message (API, ingest, broker checks) reads the
 * holder and needs no telling.
 */
export function applyPlantLive(holder: PlantHolder, parts: LiveParts): void {
  holder.onApplied(async (change) => {
    // Broker sessions and roles live on the broker: the instance that applied the version did that.
    if (!change.isFollowed) await parts.broker.applyPlant(changedUsers(change.previous, change.plant));
    const index = holder.index();
    parts.andon.setIndex(index);
    parts.buckets()?.setPlant(change.plant);
    parts.reports()?.setPlant(change.plant);
    await parts.live()?.reload({ plant: change.plant, index, configVersion: change.version });
    parts.siteCard?.()?.publishNow();
  });
}
