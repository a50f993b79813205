import { describe, expect, it } from 'vitest';
import { createRefusalSeal, refusedIds } from '../../../src/server/broker/refusal-seal.ts';

describe('a refusal sealed by the embedded broker', () => {
  const seal = createRefusalSeal();
  const refusal = { clientId: 'tab-a', code: 'not-allowed' as const, message: 'event deviceId "x" is not the publishing client "tab-a"', ids: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'], payload: '{"events":[]}' };

  it('opens as sealed, and carries no events ingest could store', () => {
    const sealed = seal.seal(refusal);
    expect(seal.open(sealed)).toEqual(refusal);
    expect((JSON.parse(sealed.toString()) as { events?: unknown }).events).toBeUndefined();
  });

  it('does not open when changed, when sealed under another key, or for an ordinary batch', () => {
    const other = JSON.parse(seal.seal(refusal).toString()) as { brokerRefusal: { clientId: string } };
    other.brokerRefusal.clientId = 'tab-victim';
    expect(seal.open(Buffer.from(JSON.stringify(other)))).toBeNull();
    expect(seal.open(createRefusalSeal().seal(refusal))).toBeNull();
    expect(seal.open(Buffer.from('{"events":[{"id":"x"}]}'))).toBeNull();
    expect(seal.open(Buffer.from('{"brokerRefusal":'))).toBeNull();
  });

  it('names the entries of a refused batch that read as event ids', () => {
    expect(refusedIds(Buffer.from(JSON.stringify({ events: [{ id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, { id: 'nope' }, null] })))).toEqual(['01ARZ3NDEKTSV4RRFFQ69G5FAV']);
    expect(refusedIds(Buffer.from('not json'))).toEqual([]);
  });
});
