import { describe, expect, it } from 'vitest';
import { deDash } from '../../src/app/i18n/de-dash.ts';
import { enDash } from '../../src/app/i18n/en-dash.ts';
import { isReasonShown, displayStates } from '../../src/core/charts/states.ts';
import { lossCategories } from '../../src/core/plant.schema.ts';
import { unreasonedLabel, unreasonedStopLabel } from '../../src/core/reason-label.ts';
import { translator } from '../../src/core/report/report-layout.ts';
import { isAwaitingReason, isReasonAsked } from '../../src/core/station-state/awaiting.ts';

const en = translator(enDash);
const de = translator(deDash);

describe('what a stop without a reason is called (every screen and report)', () => {
  it('never calls a stop that is asked for no reason "No reason yet": a changeover or setup, and a planned stop', () => {
    expect(unreasonedLabel('setup', en)).toBe('Changeover or setup');
    expect(unreasonedLabel('planned', en)).toBe('Planned stop');
    expect(unreasonedLabel('planned', de)).toBe('Geplanter Stopp');
    expect(unreasonedLabel('breakdown', en)).toBe('No reason yet (Equipment failure)');
    expect(unreasonedLabel('breakdown', de)).toMatch(/^Noch kein Grund \(/);
    expect(unreasonedLabel('minor-stop', en, false)).toBe('No reason yet');
    expect(unreasonedLabel(null, en)).toBe('No reason yet');
  });

  it('says "No reason yet" exactly for the losses whose open stop awaits a reason (one rule with isAwaitingReason)', () => {
    for (const loss of lossCategories) {
      const awaits = isAwaitingReason({ reasonId: null, loss, start: 0, end: 60_000, isOpen: true });
      expect(unreasonedLabel(loss, en).startsWith('No reason yet'), loss).toBe(awaits);
    }
  });

  it('has words of its own in both languages for every loss asked for no reason', () => {
    for (const loss of lossCategories.filter((l) => !isReasonAsked(l))) {
      expect(enDash, loss).toHaveProperty([`dash.reason.${loss}`]);
      expect(deDash, loss).toHaveProperty([`dash.reason.${loss}`]);
    }
  });
});

describe('what a listed stop without a reason is called (the line view\'s stop list and the shift report, one rule)', () => {
  const stop = { loss: 'breakdown' as const, start: 0, end: 60_000, isOpen: false };
  it('names a stop in a break as no loss, one under a second as a flicker, any other by its loss', () => {
    expect(unreasonedStopLabel({ ...stop, isOffShift: true }, en)).toBe('In a break or off shift: no loss');
    expect(unreasonedStopLabel({ ...stop, end: 400 }, en)).toBe('Under 1 s: no reason needed');
    expect(unreasonedStopLabel({ ...stop, end: 400 }, de)).toBe('Unter 1 s: kein Grund nötig');
    expect(unreasonedStopLabel(stop, en)).toBe('No reason yet (Equipment failure)');
    expect(unreasonedStopLabel({ ...stop, loss: 'setup' }, de)).toBe('Umrüsten oder Einrichten');
    // An open stop is never a flicker, however young.
    expect(unreasonedStopLabel({ ...stop, end: 400, isOpen: true }, en)).toBe('No reason yet (Equipment failure)');
  });
});

describe('which line states name a reason under their badge (board tile and line view)', () => {
  it('a stop and a planned stop do; running, a changeover, no shift, no data and unknown do not', () => {
    expect(displayStates.filter(isReasonShown)).toEqual(['small-stop', 'stopped', 'planned']);
  });
});
