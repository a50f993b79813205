import { describe, expect, it } from 'vitest';
import { idFrom, problemsAt } from '../../../src/app/dashboard/components/plant-forms/field-problems.ts';
import { describeIssues, plantSchema } from '../../../src/core/index.ts';
import { topicIdSchema } from '../../../src/core/ids.schema.ts';
import { makePlant } from '../../core/oee/fixtures.ts';

describe('the plant forms: each problem the service finds next to its field, new ids the schema takes', () => {
  it('finds the schema\'s own problems by the path of the field that shows them', () => {
    const plant = structuredClone(makePlant()) as unknown as { areas: { lines: { smallStopThresholdSec: number; products: { idealCycleTimeSec: number }[] }[] }[] };
    plant.areas[0]!.lines[1]!.products[0]!.idealCycleTimeSec = -1;
    plant.areas[0]!.lines[0]!.smallStopThresholdSec = 0;
    const result = plantSchema.safeParse(plant);
    expect(result.success).toBe(false);
    const problems = describeIssues(result.error!);
    expect(problemsAt(problems, 'areas.0.lines.1.products.0.idealCycleTimeSec')).toHaveLength(1);
    expect(problemsAt(problems, 'areas.0.lines.0.smallStopThresholdSec')).toHaveLength(1);
    // A field's path is not a prefix match: line 1 is not line 10, and a line is not its products.
    expect(problemsAt(problems, 'areas.0.lines.1')).toEqual([]);
    expect(problemsAt([...problems, 'areas.0.lines.10.name: x'], 'areas.0.lines.1.name')).toEqual([]);
  });

  it('makes an id from a name that the topic id schema accepts, and one not taken', () => {
    for (const name of ['Linie Süd 3', '  Prüfstand / Ost #2 ', '€€€', 'A'.repeat(100)]) {
      expect(topicIdSchema.safeParse(idFrom(name, new Set())).success, name).toBe(true);
    }
    expect(idFrom('Linie Süd', new Set())).toBe('linie-sud');
    expect(idFrom('Line A', new Set(['line-a', 'line-a-2']))).toBe('line-a-3');
  });
});
