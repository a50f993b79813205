import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FIGURE_COLUMNS, pickColumns } from '../../../src/core/oee/figure-columns.ts';
import { OEE_USAGE } from '../../../src/cli/oee-usage.ts';

describe('figure columns: one definition for help, docs, table and CSV', () => {
  it('docs/oee.md lists every column with the formula --help prints', async () => {
    const docs = await readFile(new URL('../../../docs/oee.md', import.meta.url), 'utf8');
    for (const c of FIGURE_COLUMNS) {
      expect(docs).toContain(`| \`${c.key}\` | ${c.heading} | ${c.formula.replaceAll('|', '\\|')} |`);
      expect(OEE_USAGE).toContain(c.formula);
    }
  });

  it('says which OEE form is used and when it differs from good x ideal / planned', () => {
    expect(OEE_USAGE).toContain('OEE = A x P x Q with count-based quality');
    expect(OEE_USAGE).toMatch(/mixed cycle times/);
  });

  it.each([
    [['oee_pct', 'teep_pct'], ['oee_pct', 'teep_pct'], []],
    [['all'], FIGURE_COLUMNS.map((c) => c.key), []],
    [['id', 'oee', 'mtbf'], ['id'], ['oee', 'mtbf']],
  ])('picks %j', (names, keys, unknown) => {
    const picked = pickColumns(names);
    expect(picked.columns.map((c) => c.key)).toEqual(keys);
    expect(picked.unknown).toEqual(unknown);
  });
});
