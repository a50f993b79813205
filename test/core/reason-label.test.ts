import { describe, expect, it } from 'vitest';
import { deDash } from '../../src/app/i18n/de-dash.ts';
import { enDash } from '../../src/app/i18n/en-dash.ts';
import { isReasonShown, displayStates } from '../../src/core/charts/states.ts';
import { lossCategories } from '../../src/core/plant.schema.ts';
import { unreasonedLabel } from '../../src/core/reason-label.ts';
import { translator } from '../../src/core/report/report-layout.ts';
import { isAwaitingReason } from '../../src/core/station-state/awaiting.ts';

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
});

describe('which line states name a reason under their badge (board tile and line view)', () => {
  it('a stop and a planned stop do; running, a changeover, no shift, no data and unknown do not', () => {
    expect(displayStates.filter(isReasonShown)).toEqual(['small-stop', 'stopped', 'planned']);
  });
});
