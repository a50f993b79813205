import * as z from 'zod/mini';
import type { HandoverTopic } from '../../core/events.schema.ts';
import { handoverLog, openHandovers, type Handover } from '../../core/handovers.ts';
import { CacheIdb } from '../adapters/cache-idb.ts';
import { earlyDb } from '../adapters/db-early.ts';
import { openHandoversSchema, type HandoverView } from '../services/handover.schema.ts';
import { recordEntry } from '../services/entry-service.ts';
import { device } from './device.svelte.ts';
import { station } from './station.svelte.ts';
import { clock } from './clock.svelte.ts';

/** A handover as the tablet shows it: the service's, or one written on this tablet (no name known but the author's). */
export type TabletHandover = Handover & { authorName?: string };

const keptSchema = z.object({ stationId: z.string(), at: z.number(), handovers: openHandoversSchema.shape.handovers });

/**
 * The station's open shift handovers. The service's list (GET /api/stations/:id/handovers) is
 * fetched at sign-in and whenever the tablet is back online, and kept in IndexedDB; offline the
 * tablet shows the kept list plus what was written and acknowledged on this tablet (its journal
 * and outbox), by the core rule (core/handovers.ts).
 */
class HandoversManager {
  /** The service's last answer for this station. */
  fetched = $state.raw<{ at: number; handovers: HandoverView[] } | null>(null);
  error = $state<string | null>(null);
  #loaded = false;

  /** What the incoming operator still has to read here. */
  open = $derived.by((): TabletHandover[] => {
    const e = device.enrolment;
    if (!e) return [];
    const fetched: TabletHandover[] = this.fetched?.handovers ?? [];
    // Written on this tablet (perhaps not sent yet): the service's copy, once known, has the names.
    const local = handoverLog(station.events).filter((h) => !fetched.some((f) => f.id === h.id));
    const ackedHere = new Set(station.events.flatMap((x) => (x.type === 'handover.ack' ? [x.handoverId] : [])));
    const now = clock.now + (clock.offsetMs ?? 0);
    // Nobody acknowledges their own handover: it is for whoever comes next.
    const me = device.session?.user.id;
    return openHandovers([...fetched, ...local], { id: e.station, lineId: e.line }, now + 5 * 60_000).filter((h) => !ackedHere.has(h.id) && h.author !== me);
  });

  async #cache(): Promise<CacheIdb> {
    return new CacheIdb(await earlyDb);
  }

  /** Reads the kept list once (after a reload offline). */
  async load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    const kept = await (await this.#cache()).get('handovers', keptSchema);
    if (kept && kept.stationId === device.enrolment?.station && !this.fetched) this.fetched = kept;
  }

  /** Asks the service; offline (or signed in offline, no token yet) keeps what the tablet knows. */
  async refresh(): Promise<void> {
    await this.load();
    const e = device.enrolment;
    const token = device.bearer(Date.now());
    if (!e || !token) return;
    try {
      const response = await fetch(`/api/stations/${encodeURIComponent(e.station)}/handovers`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(8000) });
      if (!response.ok) throw new Error(`handovers: the service answered ${response.status}`);
      const parsed = openHandoversSchema.safeParse(await response.json());
      if (!parsed.success) throw new Error('handovers: the service answered an unexpected shape');
      this.fetched = { at: parsed.data.at, handovers: parsed.data.handovers };
      this.error = null;
      await (await this.#cache()).put('handovers', { stationId: e.station, ...$state.snapshot(this.fetched) });
    } catch (error) {
      // Offline or refused: the kept list stays on screen.
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** The outgoing operator's handover of this station: through the outbox like every entry. */
  write(topics: readonly HandoverTopic[], text: string) {
    return recordEntry({ type: 'handover', scope: 'station', topics: [...topics], text: text.trim() });
  }

  /** The incoming operator has read it. */
  acknowledge(handoverId: string) {
    return recordEntry({ type: 'handover.ack', handoverId });
  }
}

export const handovers = new HandoversManager();
