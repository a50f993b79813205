import type { OeeFigures } from '../../core/oee/report.ts';
import { device } from './device.svelte.ts';
import { station } from './station.svelte.ts';

const REFRESH_MS = 15_000;
/** Entries come in bursts: recompute once the operator pauses, never in the path of a tap. */
const SETTLE_MS = 1500;

/**
 * The current shift's OEE for this tablet's line, from the same core engine every other screen
 * uses, over this device's own events. The engine is loaded after the first screen (code split).
 */
class OeeManager {
  figures = $state.raw<OeeFigures | null>(null);

  /** Recomputes now and every 15 s, and whenever the events change; returns its cleanup. */
  listen(): () => void {
    const timer = setInterval(() => void this.refresh(), REFRESH_MS);
    let settle: ReturnType<typeof setTimeout> | undefined;
    const stop = $effect.root(() => {
      $effect(() => {
        void station.events;
        void station.shift?.start;
        clearTimeout(settle);
        settle = setTimeout(() => void this.refresh(), SETTLE_MS);
      });
    });
    return () => {
      clearTimeout(settle);
      clearInterval(timer);
      stop();
    };
  }

  async refresh(): Promise<void> {
    const plant = device.plant;
    const line = device.enrolment?.line;
    const shift = station.shift;
    if (!plant || !line || !shift) return void (this.figures = null);
    const { computeOee } = await import('../../core/oee/engine.ts');
    const now = Date.now();
    try {
      const report = computeOee(plant, station.events, { from: shift.start, to: shift.end, now, by: 'window', lineIds: [line] });
      this.figures = report.lines[0]?.total ?? null;
    } catch (error) {
      console.error('oee', error);
      this.figures = null;
    }
  }
}

export const oee = new OeeManager();
