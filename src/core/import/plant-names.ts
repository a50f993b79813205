import * as z from 'zod/mini';
import type { Line, Plant } from '../plant.schema.ts';
import { nameKey } from './import-kinds.ts';

/**
 * An optional mapping file: names as a plant writes them to ids, for names the plant file does not
 * hold (abbreviations, old codes). E.g. `reasons: { "WZ-Bruch": "tool-break" }`.
 */
export const importMappingSchema = z.strictObject({
  reasons: z.optional(z.record(z.string(), z.string())),
  products: z.optional(z.record(z.string(), z.string())),
  lines: z.optional(z.record(z.string(), z.string())),
  stations: z.optional(z.record(z.string(), z.string())),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;

/** A name resolved to an id, or why not. */
export type Resolved = { id: string } | { why: string };

/** Looks names up by id, English or any translated label, or the mapping; a name two ids share is ambiguous. */
class NameTable {
  private readonly ids = new Map<string, Set<string>>();
  constructor(
    private readonly what: string,
    private readonly known: readonly string[],
  ) {}
  add(id: string, ...names: (string | undefined)[]): void {
    for (const n of [id, ...names]) {
      if (!n) continue;
      const key = nameKey(n);
      const set = this.ids.get(key) ?? new Set();
      set.add(id);
      this.ids.set(key, set);
    }
  }
  /** The mapping's entries win over the plant's names. */
  map(entries: Record<string, string> | undefined): void {
    for (const [name, id] of Object.entries(entries ?? {})) this.ids.set(nameKey(name), new Set([id]));
  }
  resolve(name: string): Resolved {
    const found = [...(this.ids.get(nameKey(name)) ?? [])];
    if (found.length === 1 && !this.known.includes(found[0] as string)) return { why: `the mapping names ${this.what} "${found[0]}", which the plant file does not have` };
    if (found.length === 1) return { id: found[0] as string };
    if (found.length > 1) return { why: `"${name}" names more than one ${this.what} (${found.join(', ')}); write the id or add it to the mapping file` };
    const list = this.known.length <= 12 ? `; known: ${this.known.join(', ')}` : '';
    return { why: `unknown ${this.what} "${name}" (not an id, name or label in the plant file, nor in the mapping file)${list}` };
  }
}

/** Every name the plant file and the mapping give lines, stations, products and reasons. */
export class PlantNames {
  private readonly lines: NameTable;
  private readonly products: NameTable;
  private readonly reasons: NameTable;
  private readonly stations = new Map<string, NameTable>();
  readonly lineById = new Map<string, { areaId: string; line: Line }>();

  constructor(plant: Plant, mapping: ImportMapping = {}) {
    const allLines = plant.areas.flatMap((a) => a.lines.map((line) => ({ areaId: a.id, line })));
    this.lines = new NameTable('line', allLines.map((l) => l.line.id));
    for (const l of allLines) {
      this.lineById.set(l.line.id, l);
      this.lines.add(l.line.id, l.line.name);
      const st = new NameTable(`station of line ${l.line.id}`, l.line.stations.map((s) => s.id));
      for (const s of l.line.stations) st.add(s.id, s.name);
      st.map(mapping.stations);
      this.stations.set(l.line.id, st);
    }
    this.lines.map(mapping.lines);
    this.products = new NameTable('product', plant.products.map((p) => p.id));
    for (const p of plant.products) this.products.add(p.id, p.name);
    this.products.map(mapping.products);
    const reasons = plant.reasons.flatMap((r) => [r, ...r.children]);
    this.reasons = new NameTable('reason', reasons.map((r) => r.id));
    for (const r of reasons) this.reasons.add(r.id, r.label, ...Object.values(r.labels));
    this.reasons.map(mapping.reasons);
  }

  line(name: string): Resolved {
    return this.lines.resolve(name);
  }
  station(lineId: string, name: string): Resolved {
    const r = (this.stations.get(lineId) as NameTable).resolve(name);
    const line = this.lineById.get(lineId)?.line;
    return 'id' in r && !line?.stations.some((s) => s.id === r.id) ? { why: `station "${name}" is not on line ${lineId}` } : r;
  }
  product(lineId: string, name: string): Resolved {
    const r = this.products.resolve(name);
    const line = this.lineById.get(lineId)?.line;
    return 'id' in r && !line?.products.some((p) => p.productId === r.id) ? { why: `product "${name}" (${r.id}) is not made on line ${lineId}` } : r;
  }
  reason(name: string): Resolved {
    return this.reasons.resolve(name);
  }
}
