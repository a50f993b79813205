// Wiring of the tablet's work after its first screen; main.ts loads it when idle (an entry point's part).
import type { SyncEngine } from './services/sync-engine.ts';
import type { OutboxIdb } from './adapters/outbox-idb.ts';
import { device } from './managers/device.svelte.ts';
import { clock } from './managers/clock.svelte.ts';
import { update } from './managers/update.svelte.ts';
import { oee } from './managers/oee.svelte.ts';
import { preloadEntryService } from './managers/entries.ts';
import { holdTabletLink } from './one-tablet-link.ts';

/**
 * What the tablet starts once its first screen is up (main.ts, when idle): everything network-bound,
 * and what the first taps need besides the shell. A chunk of its own, out of the first screen's JS.
 */
export function afterFirstScreen(engine: SyncEngine, outbox: OutboxIdb): void {
  // Recording an entry, and the reason picker a stop opens.
  preloadEntryService();
  void import('./components/ReasonPicker.svelte');
  // One link per browser: another tab of this origin (a dashboard, a second operator screen) must not fight it.
  if (device.enrolment) holdTabletLink({ start: () => engine.start(), stop: () => engine.stop(), reread: () => engine.load() });
  void clock.measure();
  // A tablet's clock drifts and gets set by hand: measure again every ten minutes.
  setInterval(() => void clock.measure(), 10 * 60_000);
  void update.register();
  oee.listen();
  outbox.keepPruned();
}
