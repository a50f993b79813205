import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../../src/server/ingest/json-depth.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('JSON nesting depth of raw bytes', () => {
  it('allows the limit and refuses one level more, for arrays and objects alike', () => {
    expect(exceedsJsonDepth(bytes(nested(MAX_JSON_DEPTH)))).toBe(false);
    expect(exceedsJsonDepth(bytes(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
    expect(exceedsJsonDepth(bytes(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`))).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    const text = JSON.stringify({ events: [{ note: '[[[[{{{{'.repeat(20), quote: 'a \\" [[[[ \\\\', tail: '\\' }] });
    expect(exceedsJsonDepth(bytes(text), 3)).toBe(false);
    expect(exceedsJsonDepth(bytes(text), 2)).toBe(true);
    // Multi-byte characters never hide a bracket.
    expect(exceedsJsonDepth(bytes(JSON.stringify({ t: 'äöü€😀[' })), 1)).toBe(false);
  });

  it('agrees with the true depth of any JSON value', async () => {
    const fc = await import('fast-check');
    const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => exceedsJsonDepth(bytes(JSON.stringify(value)), max) === depthOf(value) > max),
      { numRuns: 500, seed: 11 },
    );
  });
});
