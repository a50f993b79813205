import { describe, expect, it } from 'vitest';
import { displayStates } from '../../../src/core/charts/states.ts';
import { de } from '../../../src/app/i18n/de.ts';
import { en } from '../../../src/app/i18n/en.ts';

describe('state labels', () => {
  it('names every display state in English and German (the fold added no-data)', () => {
    for (const s of displayStates) {
      const key = `dash.state.${s}`;
      expect(en[key as keyof typeof en], key).toEqual(expect.any(String));
      expect(de[key as keyof typeof de], key).toEqual(expect.any(String));
    }
    expect(en['dash.state.no-data']).toBe('No data');
  });
});
