import type { StationConnector } from '../core/gateway/connector.schema.ts';
import type { NodeChange, NodeRole } from '../core/gateway/station-signals.ts';
import { watchModbus } from './modbus-station.ts';
import { watchOpcua } from './opcua-station.ts';
import { watchSparkplug } from './sparkplug-station.ts';

export interface StationWatchHooks {
  onChange: (change: NodeChange) => void;
  /** Values read together (a poll), applied as one. */
  onChanges: (changes: NodeChange[]) => void;
  onConnected: (connected: boolean) => void;
  onError: (message: string) => void;
  log: (message: string) => void;
  backoff?: { initialMs: number; maxMs: number };
}

export interface StationWatch {
  readonly connected: boolean;
  close: () => Promise<void>;
}

/** Where a role's value comes from, as text: part of the ids of the events it makes (machine-event-id.ts). */
export function nodeKey(connector: StationConnector, role: NodeRole): string {
  if (connector.protocol === 'modbus') {
    const p = connector.nodes[role];
    return p ? `modbus:${connector.unitId}:${p.table}:${p.address}` : role;
  }
  if (connector.protocol === 'sparkplug') {
    const name = connector.nodes[role];
    return name ? `spb:${connector.groupId}/${connector.edgeNodeId}/${connector.deviceId ?? ''}:${name}` : role;
  }
  // Protocols that name a node by a string (OPC UA node ids).
  const node: unknown = connector.nodes[role];
  return typeof node === 'string' ? node : role;
}

/** Watches one station's machine in its protocol. */
export function watchStation(
  connector: StationConnector,
  hooks: StationWatchHooks,
  secrets: { password: string | undefined; pkiDir: string },
): StationWatch {
  switch (connector.protocol) {
    case 'opcua':
      return watchOpcua({ connector, ...secrets, ...hooks });
    case 'modbus':
      return watchModbus({ connector, onChanges: hooks.onChanges, onConnected: hooks.onConnected, onError: hooks.onError, log: hooks.log, ...(hooks.backoff ? { backoff: hooks.backoff } : {}) });
    case 'sparkplug':
      return watchSparkplug({ connector, password: secrets.password, onChanges: hooks.onChanges, onConnected: hooks.onConnected, onError: hooks.onError, log: hooks.log, ...(hooks.backoff ? { backoff: hooks.backoff } : {}) });
  }
}
