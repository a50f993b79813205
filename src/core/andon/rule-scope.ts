import type { Plant } from '../plant.schema.ts';
import type { AndonConfig, AndonRule } from './rules.schema.ts';

/** The rules that watch each line (a rule names lines, areas, or neither for every line), in plant order. */
export function rulesByLine(plant: Plant): Map<string, AndonRule[]> {
  const out = new Map<string, AndonRule[]>();
  for (const area of plant.areas)
    for (const line of area.lines) {
      const rules = plant.andon.rules.filter((r) => (!r.lines && !r.areas) || r.lines?.includes(line.id) || r.areas?.includes(area.id));
      out.set(line.id, rules);
    }
  return out;
}

/** Each second-level reason's top-level category: a stop rule's `reasons` may name either. */
export function reasonParents(plant: Plant): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of plant.reasons) for (const c of r.children) out.set(c.id, r.id);
  return out;
}

/** The rule of a line's call button of `kind`: the first button rule for it, if any. */
export function buttonRule(rules: readonly AndonRule[], kind: AndonRule['call']): AndonRule | undefined {
  return rules.find((r) => r.trigger.kind === 'button' && r.call === kind);
}

/**
 * The andon section as a reader who sees only `lines` (in `areas`) gets it with the plant: rules cut
 * to what they see (a rule about none of their lines is left out, so the plant they get stays
 * valid), and no webhooks (addresses and secret names are the service's business).
 */
export function andonInScope(config: AndonConfig, lines: ReadonlySet<string>, areas: ReadonlySet<string>): AndonConfig {
  const rules = config.rules.flatMap((r): AndonRule[] => {
    if (!r.lines && !r.areas) return [r];
    const inLines = r.lines?.filter((id) => lines.has(id)) ?? [];
    const inAreas = r.areas?.filter((id) => areas.has(id)) ?? [];
    if (!inLines.length && !inAreas.length) return [];
    const { lines: _l, areas: _a, ...rest } = r;
    return [{ ...rest, ...(inLines.length ? { lines: inLines } : {}), ...(inAreas.length ? { areas: inAreas } : {}) }];
  });
  return { rules, webhooks: [] };
}
