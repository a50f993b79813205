import { describe, expect, it } from 'vitest';
import { andonInScope } from '../../../src/core/andon/rule-scope.ts';
import type { AndonConfig } from '../../../src/core/andon/rules.schema.ts';

const rule = (id: string, where: { lines?: string[]; areas?: string[] }) => ({ id, ...where, trigger: { kind: 'button' as const }, call: 'lead' as const, acknowledgedBy: ['lead' as const], escalation: [{ afterSec: 0, notify: ['lead'] }] });

describe('the andon rules a reader gets with their plant', () => {
  const config: AndonConfig = {
    rules: [rule('everywhere', {}), rule('a-and-c', { lines: ['line-a', 'line-c'] }), rule('assembly', { areas: ['assembly'] }), rule('c-or-packing', { lines: ['line-c'], areas: ['packing'] })],
    webhooks: [{ id: 'hook', url: 'https://cmms.example/andon', secretEnv: 'SECRET' }],
  };

  it('keeps rules for every line, cuts the others to the lines and areas seen, leaves out the rest and every webhook', () => {
    const out = andonInScope(config, new Set(['line-a']), new Set(['assembly']));
    expect(out.rules.map((r) => [r.id, r.lines, r.areas])).toEqual([['everywhere', undefined, undefined], ['a-and-c', ['line-a'], undefined], ['assembly', undefined, ['assembly']]]);
    expect(out.webhooks).toEqual([]);
  });

  it('gives a reader who sees every line every rule whole', () => {
    expect(andonInScope(config, new Set(['line-a', 'line-b', 'line-c']), new Set(['assembly', 'packing'])).rules).toEqual(config.rules);
  });
});
