import type { HandoverTopic } from '../../core/events.schema.ts';
import { handoverLog, openHandovers, type Handover } from '../../core/handovers.ts';
import { isNewerLog } from '../../core/live-version.ts';
import { stationLogWireSchema, type StationLogWire } from '../../core/station-log.schema.ts';
import { FloorboardError } from '../../core/errors.ts';
import { KeptLive } from '../adapters/kept-live.ts';
import { earlyDb } from '../adapters/db-early.ts';
import { shiftNotes } from '../domain/shift-notes.ts';
import { recordEntry } from './entries.ts';
import { device } from './device.svelte.ts';
import { station } from './station.svelte.ts';
import { clock } from './clock.svelte.ts';

/** A handover as the tablet shows it: the service's, or one written on this tablet (no name known but the author's). */
export type TabletHandover = Handover & { authorName?: string };

/**
 * The station's shift log (core/station-log.ts): notes, handovers for the station and its line,
 * acks. The service pushes it on the retained `<station>/log` topic (fed in by the sync link), and
 * it is asked for over HTTP at sign-in and when back online; the last one is kept in IndexedDB, so
 * offline the tablet shows it with its age, plus what was written on this tablet meanwhile.
 */
class StationLogManager {
  /** The service's last log for this station. */
  log = $state.raw<StationLogWire | null>(null);
  error = $state<string | null>(null);
  #loaded = false;
  /** The highest cluster leader version taken for this station (`isNewerLog`). */
  #highestVersion = -Infinity;

  /** This shift's notes at this station, newest first. */
  notes = $derived.by(() => {
    const st = device.enrolment?.station, shift = station.shift;
    return st && shift ? shiftNotes(this.log?.notes ?? [], station.events, st, shift.start) : [];
  });

  /** What the incoming operator still has to read here. */
  open = $derived.by((): TabletHandover[] => {
    const e = device.enrolment;
    if (!e) return [];
    const fetched: TabletHandover[] = this.log?.stationId === e.station ? this.log.handovers : [];
    // Written on this tablet (perhaps not sent yet): the service's copy, once known, has the names.
    const local = handoverLog(station.events).filter((h) => !fetched.some((f) => f.id === h.id));
    const ackedHere = new Set(station.events.flatMap((x) => (x.type === 'handover.ack' ? [x.handoverId] : [])));
    const now = clock.now + (clock.offsetMs ?? 0);
    // Nobody acknowledges their own handover: it is for whoever comes next.
    const me = device.session?.user.id;
    return openHandovers([...fetched, ...local], { id: e.station, lineId: e.line }, now + 5 * 60_000).filter((h) => !ackedHere.has(h.id) && h.author !== me);
  });

  async #cache(): Promise<KeptLive> {
    return new KeptLive(await earlyDb);
  }

  /** Takes a log (pushed or fetched) unless it is for another station or older than the one shown. */
  #take(log: StationLogWire): void {
    if (log.stationId !== device.enrolment?.station || !isNewerLog(this.log, log, this.#highestVersion)) return;
    if (log.version !== undefined) this.#highestVersion = Math.max(this.#highestVersion, log.version);
    this.log = log;
    this.error = null;
    void this.#cache()
      .then((c) => c.put('station-log', $state.snapshot(log)))
      .catch((error: unknown) => console.warn('station log not kept', error));
  }

  /** Reads the kept log once (after a reload offline). */
  async load(): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    const kept = await (await this.#cache()).get('station-log', stationLogWireSchema);
    if (kept && kept.stationId === device.enrolment?.station && !this.log) this.log = kept;
  }

  /** A message on the station's retained log topic. */
  push = (json: unknown): void => {
    const parsed = stationLogWireSchema.safeParse(json);
    if (parsed.success) this.#take(parsed.data);
    else console.warn('station log: unexpected message', parsed.error.issues[0]?.message);
  };

  /** Asks the service; offline (or signed in offline, no token yet) keeps what the tablet knows. */
  async refresh(): Promise<void> {
    await this.load();
    const e = device.enrolment;
    const token = device.bearer(Date.now());
    if (!e || !token) return;
    try {
      const response = await fetch(`/api/stations/${encodeURIComponent(e.station)}/log`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(8000) });
      if (!response.ok) throw new FloorboardError('internal', `station log: the service answered ${response.status}`);
      const parsed = stationLogWireSchema.safeParse(await response.json());
      if (!parsed.success) throw new FloorboardError('internal', 'station log: the service answered an unexpected shape', { cause: parsed.error });
      this.#take(parsed.data);
    } catch (error) {
      // Offline or refused: the kept log stays on screen.
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

export const stationLog = new StationLogManager();
