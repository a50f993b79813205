import { FloorboardError, type Plant, type User } from '../../core/index.ts';
import { plantDiff } from '../../core/plant-diff.ts';
import { withEffectiveTime } from '../../core/plant-effective.ts';
import { indexPlant, type PlantIndex } from '../../core/plant-index.ts';
import type { Storage } from '../storage/storage.ts';

/** Who applies a plant version and why: written with it, shown in the history. */
export interface ApplyMeta {
  author: string;
  reason: string;
  /** The version the author edited; a newer one applied meanwhile refuses this apply (no lost update). */
  baseVersion?: number;
  /** The plant file's hash, when the file itself is being applied (see plant-versions.ts). */
  sourceHash?: string;
  /** When the version counts from (ms); now when omitted (core/plant-effective.ts). */
  effectiveAt?: number;
}

/** A version just applied, as the service's parts are told of it. */
export interface PlantChange {
  version: number;
  plant: Plant;
  previous: Plant;
  diff: string[];
  author: string;
  /** Applied by another instance of a cluster and followed here: what the broker needed, that one did. */
  isFollowed?: boolean;
}

export type PlantApplyResult = { isApplied: true; change: PlantChange } | { isApplied: false; version: number; diff: [] };

/**
 * The plant the service runs on, swapped whole when a version is applied (issue 13): every part
 * reads it through these getters, so the next message, request or tick sees the new one; parts
 * that hold state built from it (live OEE, andon rules, broker sessions) are told through
 * `onApplied`. Applies run one at a time and are stored before anything sees them.
 */
export class PlantHolder {
  #plant: Plant;
  #index: PlantIndex;
  #usersById: ReadonlyMap<string, User>;
  #version: number;
  #sourceHash: string;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners: ((change: PlantChange) => Promise<void> | void)[] = [];

  constructor(
    initial: { plant: Plant; version: number; sourceHash: string },
    private readonly deps: { storage: Pick<Storage, 'insertPlantVersion'>; now: () => number; log: (message: string, fields?: Record<string, unknown>) => void },
  ) {
    this.#plant = initial.plant;
    this.#index = indexPlant(initial.plant);
    this.#usersById = new Map(initial.plant.users.map((u) => [u.id, u]));
    this.#version = initial.version;
    this.#sourceHash = initial.sourceHash;
  }

  readonly plant = (): Plant => this.#plant;
  readonly index = (): PlantIndex => this.#index;
  readonly version = (): number => this.#version;
  readonly sourceHash = (): string => this.#sourceHash;
  /** Every user, disabled ones too: entries keep their author and names their reader. */
  readonly users = (): readonly User[] => this.#plant.users;
  readonly usersById = (): ReadonlyMap<string, User> => this.#usersById;
  readonly findUser = (id: string): User | undefined => this.#usersById.get(id);
  /** A user who may sign in and hold a session now: not disabled. */
  readonly findActiveUser = (id: string): User | undefined => {
    const user = this.#usersById.get(id);
    return user && !user.disabled ? user : undefined;
  };

  /** Told after each applied version, in order; a listener's failure is logged, never undoes the version. */
  onApplied(listener: (change: PlantChange) => Promise<void> | void): void {
    this.#listeners.push(listener);
  }

  /**
   * Stores `next` (already validated by the plant schema) as the next version and runs on it.
   * A plant that says the same as the current one stores nothing. Throws `conflict` when
   * `baseVersion` is not the current version, or another service took the version number first.
   */
  apply(next: Plant, meta: ApplyMeta): Promise<PlantApplyResult> {
    const run = this.#queue.then(() => this.#apply(next, meta));
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * A version another instance of a cluster stored (issue 16): runs on it as if applied here,
   * storing nothing. A version not newer than the current one is left alone.
   */
  follow(stored: { version: number; plant: Plant; author: string; sourceHash: string }): Promise<PlantApplyResult> {
    const run = this.#queue.then(async (): Promise<PlantApplyResult> => {
      if (stored.version <= this.#version) return { isApplied: false, version: this.#version, diff: [] };
      const change: PlantChange = { version: stored.version, plant: stored.plant, previous: this.#plant, diff: plantDiff(this.#plant, stored.plant), author: stored.author, isFollowed: true };
      this.#run(change, stored.sourceHash);
      this.deps.log('plant version followed (applied by another instance)', { version: stored.version, author: stored.author });
      await this.#tell(change);
      return { isApplied: true, change };
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #run(change: PlantChange, sourceHash: string): void {
    this.#plant = change.plant;
    this.#index = indexPlant(change.plant);
    this.#usersById = new Map(change.plant.users.map((u) => [u.id, u]));
    this.#version = change.version;
    this.#sourceHash = sourceHash;
  }

  async #tell(change: PlantChange): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        await listener(change);
      } catch (error) {
        this.deps.log('a part of the service could not take the new plant version', { version: change.version, error: (error as Error).message });
      }
    }
  }

  async #apply(next: Plant, meta: ApplyMeta): Promise<PlantApplyResult> {
    if (meta.baseVersion !== undefined && meta.baseVersion !== this.#version)
      throw new FloorboardError('conflict', `the plant changed since version ${meta.baseVersion}: version ${this.#version} is applied now; reload it and apply your change again`);
    // From its effective time on: a reason's changed loss category keeps the old one for earlier stops.
    next = withEffectiveTime(this.#plant, next, meta.effectiveAt ?? this.deps.now());
    const diff = plantDiff(this.#plant, next);
    if (diff.length === 0) return { isApplied: false, version: this.#version, diff: [] };
    const version = this.#version + 1;
    const sourceHash = meta.sourceHash ?? this.#sourceHash;
    const stored = await this.deps.storage.insertPlantVersion({ version, plant: JSON.stringify(next), author: meta.author, reason: meta.reason, createdAt: this.deps.now(), diff, sourceHash });
    if (!stored) throw new FloorboardError('conflict', `plant version ${version} was applied by another instance meanwhile; reload it and apply your change again`);
    const change: PlantChange = { version, plant: next, previous: this.#plant, diff, author: meta.author };
    this.#run(change, sourceHash);
    this.deps.log('plant version applied', { version, author: meta.author, reason: meta.reason, changes: diff.length });
    await this.#tell(change);
    return { isApplied: true, change };
  }
}
