import type { Line, Plant } from './plant.schema.ts';
import type { LinePath, StationPath } from './topics.ts';

type Station = Line['stations'][number];

/**
 * The station whose machine (gateway) signals stand for the line's state: the plant file's
 * `machineStationId`, else the line's first station. Every consumer (simulator, folds, screens)
 * asks here, so they can never disagree on where a line's machine is.
 * @example machineStationOf(line).id // 'turn-1-lathe'
 */
export function machineStationOf(line: Line): Station {
  return line.stations.find((s) => s.id === line.machineStationId) ?? (line.stations[0] as Station);
}

/** Where a line sits in the plant, with its definition. */
export interface IndexedLine {
  path: LinePath;
  line: Line;
}

/** Lookups the service and the access rules need on every message; built once per plant. */
export interface PlantIndex {
  plant: Plant;
  site: string;
  lines: ReadonlyMap<string, IndexedLine>;
  stations: ReadonlyMap<string, StationPath>;
  /** Line ids per area id. */
  areas: ReadonlyMap<string, readonly string[]>;
  products: ReadonlySet<string>;
  /** Every reason id, top-level and second level. */
  reasons: ReadonlySet<string>;
}

/**
 * Indexes a validated plant by id.
 * @example const index = indexPlant(plant); index.stations.get('press-1')?.line
 */
export function indexPlant(plant: Plant): PlantIndex {
  const site = plant.site.id;
  const lines = new Map<string, IndexedLine>();
  const stations = new Map<string, StationPath>();
  const areas = new Map<string, string[]>();
  for (const area of plant.areas) {
    areas.set(
      area.id,
      area.lines.map((l) => l.id),
    );
    for (const line of area.lines) {
      const path = { site, area: area.id, line: line.id };
      lines.set(line.id, { path, line });
      for (const st of line.stations) stations.set(st.id, { ...path, station: st.id });
    }
  }
  const reasons = new Set<string>();
  for (const r of plant.reasons) {
    reasons.add(r.id);
    for (const c of r.children) reasons.add(c.id);
  }
  return { plant, site, lines, stations, areas, products: new Set(plant.products.map((p) => p.id)), reasons };
}
