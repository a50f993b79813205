import type { OpcuaConnector } from './connector.schema.ts';

export interface MappedState {
  state: 'running' | 'stopped' | 'fault';
  /** The machine's own code: the fault code with a fault, the unknown value with an unmapped one. */
  code?: string;
  /** The stop reason the fault code names in `faultReasons`, if any. */
  reasonId?: string;
}

const text = (v: unknown): string => (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v === 'string' ? v.trim() : JSON.stringify(v) ?? '');
const listed = (values: readonly (string | number)[] | undefined, value: string) => (values ?? []).some((v) => String(v) === value);

/** What a state value (and the fault code read beside it) means. An unknown value is a stop, never running. */
export function mapState(connector: Pick<OpcuaConnector, 'states' | 'faultReasons'>, value: unknown, faultCode?: unknown): MappedState {
  const v = text(value);
  if (listed(connector.states.running, v)) return { state: 'running' };
  if (listed(connector.states.fault, v)) {
    if (faultCode === undefined || faultCode === null) return { state: 'fault' };
    const code = text(faultCode).slice(0, 64);
    const reasonId = connector.faultReasons?.[code];
    return { state: 'fault', code, ...(reasonId !== undefined ? { reasonId } : {}) };
  }
  if (listed(connector.states.stopped, v)) return { state: 'stopped' };
  return { state: 'stopped', code: v.slice(0, 64) };
}

/** The product a program number names, if the mapping lists it. */
export const mapProduct = (connector: Pick<OpcuaConnector, 'products'>, value: unknown): string | undefined => connector.products?.[text(value)];
