import type { Andon } from '../andon/andon-service.ts';
import type { DeviceRevocations } from '../auth/device-revocations.ts';
import type { PlantHolder } from '../plant-config/plant-holder.ts';
import type { Storage, StoredEventInput, WriteFence } from '../storage/storage.ts';
import { ANDON_TYPES } from '../andon/andon-service.ts';
import { followCluster } from './cluster-follow.ts';
import { startCommitFeed } from './commit-feed.ts';
import { startLeaderLease, type LeaderLease } from './leader-lease.ts';

export type Publish = (topic: string, payload: string, options?: { retain?: boolean }) => Promise<void>;

/** The ingest filter as a member of the cluster's MQTT 5 shared subscription: each message goes to one instance. */
export const sharedFilter = (group: string, filter: string) => `$share/${group}/${filter}`;

/** Versions per leader: a leader's publishes count up from its epoch times this (ADR 0017). */
export const VERSIONS_PER_EPOCH = 2 ** 32;

export interface ClusterRole {
  /** The epoch this instance leads under; null while it follows. */
  epoch(): number | null;
  stop(): Promise<void>;
}

/**
 * One instance of a cluster (issue 16, ADR 0017). Every instance ingests its share of the
 * messages and serves the API; every instance follows the others' plant versions and revocations,
 * and keeps andon's call log from the tail of all commits for its API. One of them, the holder of
 * the lease, also does the work done once (`lead`): its live figures, buckets and andon are fed
 * by the same tail, so they see every instance's commits. Its publishes are fenced by the lease
 * and carry versions that rise from one leader to the next. A leader that loses its lease stops
 * the process (`fail`): its supervisor starts it again as a follower, with nothing half-led.
 */
/** What a leader's parts act under: the fence of its storage writes, and whether it may act now (webhooks, mail). */
export interface Leading {
  fence: WriteFence;
  isHeld: () => boolean;
  /** The storage sequence through which every commit was handed to `committed` (0 while they are held back at the start). */
  handedThrough: () => number;
}

export async function startCluster(o: {
  cluster: { group: string; instanceId: string };
  databaseUrl: string;
  storage: Pick<Storage, 'listEvents' | 'lastStorageSeq' | 'listPlantVersions' | 'getPlantVersion'>;
  holder: PlantHolder;
  revocations: Pick<DeviceRevocations, 'refresh'>;
  andon: Pick<Andon, 'load'>;
  /** The storage sequence read from: the last one stored before this instance subscribed. */
  feedFrom: number;
  /** Memory follows the database: the leader's live parts, and andon's call log on every instance. */
  committed: (records: readonly StoredEventInput[]) => void;
  /** Starts leading: publishes through `publish`, storage writes with `fence` and deliveries asking `isHeld` stop when the lease is lost. */
  lead: (publish: Publish, version: () => number, leading: Leading) => Promise<void>;
  /** Stops what `lead` started: run before the lease is given up, so no two instances lead at once. */
  stopLeading: () => Promise<void>;
  publish: Publish;
  log: (message: string, fields?: Record<string, unknown>) => void;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
  fail: (reason: string) => void;
}): Promise<ClusterRole> {
  await o.andon.load();
  const follow = followCluster({ storage: o.storage, holder: o.holder, revocations: o.revocations, log: o.log });
  /** Commits that arrive while the leader's parts load: given to them once loaded (they drop copies). */
  let held: StoredEventInput[] | null = null;
  let isLeading = false;
  const feed = startCommitFeed({
    storage: o.storage,
    afterSeq: o.feedFrom,
    // A follower needs only andon's events (its call log); the leader's live parts need every one.
    types: () => (isLeading ? null : ANDON_TYPES),
    onRecords: (records) => {
      if (held) for (const r of records) held.push(r);
      else o.committed(records);
    },
    log: o.log,
  });
  let lease: LeaderLease | null = null;
  let hasFailed = false;
  const fail = (reason: string) => {
    hasFailed = true;
    o.fail(reason);
  };
  // Refused, not dropped: a caller that logs or retries a publish must not take it as sent.
  const fenced: Publish = (topic, payload, options) => (lease?.isHeld() ? o.publish(topic, payload, options) : Promise.reject(new Error('not leading: the leader lease is not held')));

  async function becomeLeader(epoch: number): Promise<void> {
    if (hasFailed) return;
    // A look of the follower's (andon's events only) still in flight ends first; from here the
    // feed reads every event, and what it skipped before the parts read from storage as they load.
    await feed.settle();
    isLeading = true;
    held = [];
    let n = 0;
    const version = () => {
      // A version never reaches the next epoch's range: past it this leader steps down, and the next takes a new epoch.
      if (n >= VERSIONS_PER_EPOCH - 1) fail(`epoch ${epoch} used all ${VERSIONS_PER_EPOCH} versions; stepping down so the next leader starts a new epoch`);
      return epoch * VERSIONS_PER_EPOCH + Math.min(n++, VERSIONS_PER_EPOCH - 1);
    };
    try {
      await o.lead(fenced, version, { fence: { lease: o.cluster.group, epoch }, isHeld: () => lease?.isHeld() ?? false, handedThrough: () => (held ? 0 : feed.seq()) });
    } catch (error) {
      fail(`could not start leading: ${(error as Error).message}`);
      return;
    }
    const late = held;
    held = null;
    o.committed(late);
    o.log('leading the cluster', { epoch, instance: o.cluster.instanceId });
  }

  lease = await startLeaderLease({
    databaseUrl: o.databaseUrl,
    name: o.cluster.group,
    holder: o.cluster.instanceId,
    onElected: (epoch) => void becomeLeader(epoch),
    onLost: (reason) => fail(`leadership lost (${reason}); stopping so this instance starts again as a follower`),
    log: o.log,
    ...(o.warn ? { warn: o.warn } : {}),
  });
  return {
    epoch: () => lease?.epoch ?? null,
    async stop() {
      await feed.stop();
      await follow.stop();
      await o.stopLeading();
      await lease?.stop();
    },
  };
}
