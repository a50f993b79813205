import type { DashMessageKey } from './en-dash.ts';
import type { LaterMessageKey } from './en-later.ts';

/**
 * English catalog of the tablet's first screen (it ships in the shell); the rest of the tablet's
 * English is in en-later.ts. Both together are the reference every other language must match key for key.
 */
export const en = {
  'app.title': 'Floorboard',
  'signin.offline': 'Signed in offline (checked against this tablet\'s roster).',
  'signout': 'Sign out',
  'state.running': 'Running',
  'state.stopped': 'Stopped',
  'state.changeover': 'Changeover',
  'state.no-data': 'No data',
  'state.not-scheduled': 'Not scheduled',
  'state.changeoverTo': '{from} → {to}',
  'state.asOf': 'as of {time}',
  'state.waiting': 'includes entries waiting on this tablet',
  'state.machineStop': 'Stopped by the machine',
  'state.since': 'since {time}',
  'state.product': 'Product',
  'state.shift': 'Shift',
  'state.noShift': 'No shift',
  'stop.start': 'Stop',
  'stop.end': 'Restart',
  'stop.offShift': 'Break or no shift: no reason needed.',
  'stop.machineProducing': 'The machine has made parts since {time}. Is the stop over?',
  'stop.needsReason': 'Needs a reason',
  'stop.machineWithReason': 'Machine stops with a reason',
  'stop.noneNeedsReason': 'No stop needs a reason.',
  'stop.openNeedsReason': 'The stop going on now needs its reason: Give reason, above.',
  'stop.classify': 'Give reason',
  'stop.split': 'Split',
  // The stop lists' Split buttons are named for their stop (several stops, several buttons).
  'split.buttonFor': 'Split stop from {time}',
  'stop.small': 'small stop',
  'count.title': 'Counts at {station}',
  'count.good': 'Good',
  'count.reject': 'Reject',
  'count.scrapReason': 'Scrap reason',
  'count.book': 'Book count',
  'count.needsScrapReason': 'Choose a scrap reason for the rejects.',
  'progress.title': '{line}: shift progress',
  // Non-breaking spaces: "4 of 14" never splits a number from its words on a narrow card.
  'progress.produced': 'Produced {made}\u00a0of\u00a0{target}',
  'progress.waiting': '{n} waiting on this tablet',
  'progress.asOf': 'as of {time}',
  'progress.oee': 'OEE',
  'progress.availability': 'Availability',
  'progress.performance': 'Performance',
  'progress.checkCycle': 'over 100 %: check ideal cycle time',
  'progress.quality': 'Quality',
  'progress.notScheduled': 'Not scheduled',
  'sync.offline': 'Offline',
  'sync.connecting': 'Connecting',
  'sync.syncing': 'Syncing',
  'sync.online': 'Online',
  'sync.needs-sign-in': 'Sign in online to sync',
  'sync.waiting': '{n} waiting',
  'sync.oldest': 'oldest {age}',
  'sync.last': 'last sync {time}',
  'sync.never': 'never synced',
  'clock.offset': 'This tablet\'s clock is off by {s} s. Ask IT to fix the time.',
  'update.ready': 'An update is ready.',
  'update.apply': 'Update now',
  'saved': 'Saved on this tablet',
  // Starts with the button's visible "123" (WCAG 2.5.3, label in name).
  'keypad.open': '123: type {label} on the keypad',
} as const;

/** The tablet's own messages: its first screen's (these) and those loaded after it (en-later.ts). */
export type TabletMessageKey = keyof typeof en | LaterMessageKey;
/** Every message: the tablet's and the dashboards' (en-dash.ts, loaded with the dashboards). */
export type MessageKey = TabletMessageKey | DashMessageKey;
