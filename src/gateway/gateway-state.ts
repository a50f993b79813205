import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { newStationMemory, type StationMemory } from '../core/gateway/station-signals.ts';

interface Saved {
  /** The next per-device sequence number (gap-free from 0 for the gateway's device id). */
  seq: number;
  stations: Record<string, StationMemory>;
}

/**
 * What the gateway remembers across restarts, in its data dir: the counters' last raw values and
 * totals (so parts made while it was down are counted at the next reading) and its sequence.
 */
export class GatewayState {
  readonly #file: string;
  #saved: Saved;
  #chain: Promise<void> = Promise.resolve();

  private constructor(file: string, saved: Saved) {
    this.#file = file;
    this.#saved = saved;
  }

  static async open(dir: string): Promise<GatewayState> {
    const file = join(dir, 'state.json');
    try {
      return new GatewayState(file, JSON.parse(await readFile(file, 'utf8')) as Saved);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return new GatewayState(file, { seq: 0, stations: {} });
    }
  }

  memory(stationId: string): StationMemory {
    return this.#saved.stations[stationId] ?? newStationMemory();
  }

  setMemory(stationId: string, memory: StationMemory): void {
    this.#saved.stations[stationId] = memory;
  }

  nextSeq(): number {
    return this.#saved.seq++;
  }

  /** Writes the whole state (write, sync, rename), one save after another. */
  save(): Promise<void> {
    const text = JSON.stringify(this.#saved);
    const run = this.#chain.then(async () => {
      const tmp = `${this.#file}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.#file);
    });
    this.#chain = run.catch(() => {});
    return run;
  }
}
