import { describe, expect, it } from 'vitest';
import { displayStates } from '../../../src/core/charts/states.ts';
import { de as deTablet } from '../../../src/app/i18n/de.ts';
import { deDash } from '../../../src/app/i18n/de-dash.ts';
import { en as enTablet } from '../../../src/app/i18n/en.ts';
import { enLater } from '../../../src/app/i18n/en-later.ts';
import { enDash } from '../../../src/app/i18n/en-dash.ts';

// The catalogs as the dashboards hold them once loaded: the tablet's and the dashboards' messages.
const en = { ...enTablet, ...enLater, ...enDash };
const de = { ...deTablet, ...deDash };

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
