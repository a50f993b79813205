import { isNewerLive } from '../../../core/live-version.ts';
import { SvelteMap } from 'svelte/reactivity';
import type { LineAndon } from '../../../core/andon/call-view.schema.ts';
import type { LineStatus, OeeSnapshot } from '../../../core/live.schema.ts';
import { decodeLive } from '../../services/live-decoder.ts';
import type { SyncMode } from '../../services/sync-engine.ts';

/** How long incoming messages are coalesced before one render. */
const FLUSH_MS = 250;

export type LiveConnection = 'idle' | 'connecting' | 'online' | 'offline';

/**
 * Live line status and shift OEE from the broker's retained topics, for every dashboard screen.
 * Fed by the dashboards' one broker link (main.ts wires it: the sync engine, which also carries a
 * lead's corrections). Messages are buffered by topic and applied at most once per FLUSH_MS, so a
 * busy plant costs a few renders a second however many lines publish, and only the newest value of
 * a topic is parsed (by the decoder the tablet uses too).
 */
class LiveManager {
  statuses = new SvelteMap<string, LineStatus>();
  snapshots = new SvelteMap<string, OeeSnapshot>();
  /** Per line, its open andon calls (the retained `.../<line>/andon`). */
  andon = new SvelteMap<string, LineAndon>();
  /** Calls seen raised while this session watched (not the ones already open when it connected): the TV's sound follows it. */
  callsRaised = $state(0);
  #seenCalls = new Set<string>();
  /** Per line, when one of its station logs last changed (a lead's view reloads its shift log then). */
  logAt = new SvelteMap<string, number>();
  connection = $state<LiveConnection>('idle');
  /** Subscriptions the broker refused (SUBACK failure): shown, never silently ignored. */
  refused = $state<string[]>([]);
  /** Messages that failed to parse, for the status line. */
  invalidCount = $state(0);
  #pending = new Map<string, string>();
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #flushedAt = 0;

  /** The link's state, as the sync engine reports it. */
  linkChanged = (mode: SyncMode): void => {
    this.connection = mode === 'online' || mode === 'syncing' ? 'online' : mode === 'connecting' ? 'connecting' : 'offline';
  };

  subscriptionsRefused = (filters: readonly string[]): void => {
    this.refused = [...filters];
  };

  receive = (topic: string, payload: string): void => {
    this.#pending.set(topic, payload);
    if (this.#flushTimer) return;
    // At most one render per FLUSH_MS: a lone change (a stop on a quiet line) is applied at once,
    // a busy plant is coalesced, so 50 lines at 1 Hz become 4-5 renders a second, not 100.
    this.#flushTimer = setTimeout(() => this.#flush(), Math.max(0, this.#flushedAt + FLUSH_MS - Date.now()));
  };

  /** The session ended: the next one may see fewer lines, so nothing of this one stays on screen. */
  reset(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#pending.clear();
    this.statuses.clear();
    this.snapshots.clear();
    this.logAt.clear();
    this.andon.clear();
    this.#seenCalls.clear();
    this.callsRaised = 0;
    this.refused = [];
    this.invalidCount = 0;
    this.#configVersion = 0;
    this.connection = 'idle';
  }

  #flush(): void {
    this.#flushTimer = null;
    this.#flushedAt = Date.now();
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [topic, payload] of batch) {
      const m = decodeLive(topic, payload);
      if (m?.kind === 'line-status') {
        // A late publish of an earlier leader never replaces a later one (issue 16).
        if (!isNewerLive(this.statuses.get(m.line.line), m.status)) continue;
        this.statuses.set(m.line.line, m.status);
        this.#configSeen(m.status.configVersion);
      }
      else if (m?.kind === 'line-oee') {
        if (isNewerLive(this.snapshots.get(m.line.line), m.snapshot)) this.snapshots.set(m.line.line, m.snapshot);
      }
      else if (m?.kind === 'andon') this.#andonChanged(m.line.line, m.andon);
      else if (m?.kind === 'station-log') this.logAt.set(m.station.line, Math.max(m.log.at, this.logAt.get(m.station.line) ?? 0));
      else if (m?.kind === 'invalid') this.invalidCount++;
    }
  }

  /** Called when a line status tells a plant configuration version newer than the one seen first (DashboardRoot reloads the plant). */
  onConfigVersion: ((version: number) => void) | null = null;
  #configVersion = 0;
  #configSeen(version: number | undefined): void {
    if (!version || version <= this.#configVersion) return;
    const isFirst = this.#configVersion === 0;
    this.#configVersion = version;
    // The first one is the version the plant was loaded at sign-in with (or older): nothing to reload.
    if (!isFirst) this.onConfigVersion?.(version);
  }

  #andonChanged(lineId: string, andon: LineAndon): void {
    if (!isNewerLive(this.andon.get(lineId), andon)) return;
    // The first state of a line is what was already open: only calls after it count as raised.
    const isFirst = !this.andon.has(lineId);
    for (const c of andon.calls) {
      if (this.#seenCalls.has(c.id)) continue;
      this.#seenCalls.add(c.id);
      if (!isFirst) this.callsRaised++;
    }
    this.andon.set(lineId, andon);
  }
}

export const live = new LiveManager();
