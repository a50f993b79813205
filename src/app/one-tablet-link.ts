// Wiring of the tablet's one broker link per browser; loaded with after-first-screen.ts (an entry point's part).
import { mount } from 'svelte';
import { parseRoute } from './dashboard/services/route-hash.ts';
import { i18n } from './managers/i18n.svelte.ts';
import { OUTBOX_CHANNEL } from './services/entry-service.ts';

/** The Web Lock held by the one tab of this browser that runs the tablet's broker link. */
const LOCK = 'floorboard-tablet-link';
/** Set by "Use this tab" just before the tab loads itself again: the new page takes the lock. */
const TAKE_OVER = 'floorboard.takeOver';
const never = () => new Promise<never>(() => undefined);

/**
 * Runs the tablet's link (`start`) in one tab of this browser only. Every tab of the origin loads the
 * tablet's entry point, and two links would connect with the one client id of this tablet: the
 * broker then closes each for the other in turn, and the tablet flaps offline (it did while a
 * dashboard was open in another tab). So:
 * - a tab showing a dashboard never takes the link (it has its own, with its own id), unless the
 *   operator screen is shown in it later;
 * - the first tab showing the operator screen holds a Web Lock for as long as it lives and runs
 *   the link;
 * - another operator tab is covered with a notice (entries made there would wait unseen by the
 *   link) and loads itself again once the holder is gone, to read the outbox as it then is;
 * - "Use this tab" on the notice loads the tab again and takes the lock from the holder, which
 *   stops its link, shows the notice and waits its turn as above. (Taken before the reload, the
 *   lock would be let go by it, and the waiting tab would take it back.)
 *
 * The outbox is one IndexedDB store for all tabs, but each link sends what it read into memory.
 * So the holder reads it again when it takes the lock, and whenever a tab without the link says it
 * committed an entry there (`OUTBOX_CHANNEL`: before its notice covered it, or while the notice
 * was loading): nothing entered in any tab waits for a reload.
 */
export function holdTabletLink(link: { start: () => void; stop: () => void; reread: () => Promise<unknown> }): void {
  const isTakingOver = sessionStorage.getItem(TAKE_OVER) !== null;
  sessionStorage.removeItem(TAKE_OVER);
  const claim = () => {
    if (parseRoute(location.hash)) return;
    window.removeEventListener('hashchange', claim);
    // Without Web Locks (an old browser): one tab is all there is to go on.
    if (!('locks' in navigator)) return link.start();
    let channel: BroadcastChannel | null = null;
    navigator.locks
      .request(LOCK, isTakingOver ? { steal: true } : { ifAvailable: true }, async (lock) => {
        if (!lock) {
          waitTurn();
          return undefined;
        }
        const reread = () => link.reread().catch((error: unknown) => console.error('outbox not read again', error));
        if (typeof BroadcastChannel !== 'undefined') {
          channel = new BroadcastChannel(OUTBOX_CHANNEL);
          channel.onmessage = () => void reread();
        }
        await reread();
        link.start();
        return never();
      })
      .catch(() => {
        // Taken over from another tab: its link runs now; this one must not fight it.
        channel?.close();
        link.stop();
        waitTurn();
      });
  };
  window.addEventListener('hashchange', claim);
  claim();
}

/** Covers the tab and queues for the lock: granted once the holder is gone, the page then reads the outbox afresh. */
function waitTurn(): void {
  void cover();
  void navigator.locks.request(LOCK, () => {
    location.reload();
    return never();
  });
}

/** Covers the tab with the notice (once), the rest of the page made inert. */
async function cover(): Promise<void> {
  if (document.querySelector('[data-testid="other-tab"]')) return;
  const [{ default: OtherTabNotice }] = await Promise.all([import('./components/OtherTabNotice.svelte'), i18n.loadLater()]);
  document.getElementById('app')?.setAttribute('inert', '');
  mount(OtherTabNotice, { target: document.body, props: { onTakeOver: takeOver } });
}

/** Loads this page again, to take the lock from the tab that holds it and run the link here. */
function takeOver(): void {
  sessionStorage.setItem(TAKE_OVER, '1');
  location.reload();
}
