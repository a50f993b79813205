import type { OpcuaConnector, StationConnector } from './connector.schema.ts';
import { applyReading, newCounterTrack, type CounterTrack } from './counter.ts';
import { mapProduct, mapState, type MappedState } from './state-map.ts';

/** The nodes of a mapping, by their role. */
export type NodeRole = keyof OpcuaConnector['nodes'];

/** What a gateway remembers of one station between value changes (and across its restarts). */
export interface StationMemory {
  parts: CounterTrack;
  rejects: CounterTrack;
  /** Source time of the last state value applied. */
  stateTs: number;
  state: MappedState | null;
  faultCode: unknown;
  productId: string | null;
}

export const newStationMemory = (): StationMemory => ({ parts: newCounterTrack(), rejects: newCounterTrack(), stateTs: -1, state: null, faultCode: null, productId: null });

export type SignalPayload =
  | { type: 'machine.state'; state: MappedState['state']; code?: string }
  | { type: 'machine.counter'; total: number; rejectTotal?: number; productId?: string };

export interface NodeChange {
  role: NodeRole;
  value: unknown;
  sourceTs: number;
}

/**
 * One value change of a mapped node, as Floorboard signals: a changed state is a `machine.state`,
 * a counter that made parts (or its first reading, the baseline the service counts from) a
 * `machine.counter` with the gateway's monotonic totals (src/core/gateway/counter.ts), so rollovers
 * and resets reach the service as parts, never as a drop. Repeats and stale values are nothing.
 */
export function onNodeChange(connector: StationConnector, memory: StationMemory, change: NodeChange): { memory: StationMemory; signal: SignalPayload | null } {
  switch (change.role) {
    case 'faultCode':
      return { memory: { ...memory, faultCode: change.value }, signal: null };
    case 'product':
      return { memory: { ...memory, productId: mapProduct(connector, change.value) ?? null }, signal: null };
    case 'state': {
      if (change.sourceTs <= memory.stateTs) return { memory, signal: null };
      const mapped = mapState(connector, change.value, memory.faultCode);
      const same = memory.state !== null && memory.state.state === mapped.state && memory.state.code === mapped.code;
      const next = { ...memory, stateTs: change.sourceTs, state: mapped };
      return { memory: next, signal: same ? null : { type: 'machine.state', state: mapped.state, ...(mapped.code !== undefined ? { code: mapped.code } : {}) } };
    }
    case 'counter':
    case 'rejectCounter': {
      const key = change.role === 'counter' ? 'parts' : 'rejects';
      const before = memory[key];
      const value = typeof change.value === 'bigint' ? Number(change.value) : change.value;
      const { track, parts } = applyReading(before, { value: typeof value === 'number' ? value : NaN, sourceTs: change.sourceTs }, connector.counterBits);
      if (track === before || (parts === 0 && before.raw !== null)) return { memory: { ...memory, [key]: track }, signal: null };
      const next = { ...memory, [key]: track };
      const hasRejects = connector.nodes.rejectCounter !== undefined;
      return {
        memory: next,
        signal: { type: 'machine.counter', total: next.parts.total, ...(hasRejects ? { rejectTotal: next.rejects.total } : {}), ...(next.productId !== null ? { productId: next.productId } : {}) },
      };
    }
  }
}

/**
 * Value changes read together (one Modbus poll), as signals: each applied in order as by
 * `onNodeChange`, with the counter signals of the batch merged into its last one, which carries
 * the final totals of both counters. So parts and the rejects among them reach the service in one
 * `machine.counter`, never rejects a reading after the parts they belong to.
 */
export function onNodeChanges(connector: StationConnector, memory: StationMemory, changes: readonly NodeChange[]): { memory: StationMemory; signals: { role: NodeRole; signal: SignalPayload }[] } {
  const signals: { role: NodeRole; signal: SignalPayload }[] = [];
  let counter: { role: NodeRole; signal: SignalPayload } | null = null;
  for (const change of changes) {
    const out = onNodeChange(connector, memory, change);
    memory = out.memory;
    if (out.signal?.type === 'machine.counter') counter = { role: change.role, signal: out.signal };
    else if (out.signal) signals.push({ role: change.role, signal: out.signal });
  }
  return { memory, signals: counter ? [...signals, counter] : signals };
}
