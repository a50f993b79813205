import ModbusRTU from 'modbus-serial';
import type { ModbusConnector, ModbusPoint } from '../core/gateway/connector.schema.ts';
import type { NodeChange, NodeRole } from '../core/gateway/station-signals.ts';
import { sleep, within } from './waits.ts';

export interface ModbusWatchOptions {
  connector: ModbusConnector;
  /** The values of one poll, in the order they apply. */
  onChanges: (changes: NodeChange[]) => void;
  onConnected: (connected: boolean) => void;
  /** A failed connect or read (connector health). */
  onError: (message: string) => void;
  log: (message: string) => void;
  backoff?: { initialMs: number; maxMs: number };
  now?: () => number;
}

export interface ModbusWatch {
  readonly connected: boolean;
  close: () => Promise<void>;
}

/**
 * Reads are not atomic across points, so the order matters: the state is read first and its fault
 * code after it, so a fault seen is never paired with the code from before it (a machine sets the
 * code no later than the state). Applied, the code and product come first, to qualify the state
 * and counts of the same poll.
 */
const READ_ORDER: readonly NodeRole[] = ['state', 'counter', 'rejectCounter', 'faultCode', 'product'];
const APPLY_ORDER: readonly NodeRole[] = ['faultCode', 'product', 'state', 'counter', 'rejectCounter'];

/** One point's value: a bit as 1 or 0 (so states map like numbers), a register, or two as a 32-bit unsigned value. */
async function readPoint(client: ModbusRTU, p: ModbusPoint): Promise<number> {
  switch (p.table) {
    case 'coil':
      return (await client.readCoils(p.address, 1)).data[0] ? 1 : 0;
    case 'discrete':
      return (await client.readDiscreteInputs(p.address, 1)).data[0] ? 1 : 0;
    case 'holding':
    case 'input': {
      const read = p.table === 'holding' ? client.readHoldingRegisters.bind(client) : client.readInputRegisters.bind(client);
      const words = (await read(p.address, p.words)).data;
      return p.words === 2 ? (words[0] ?? 0) * 65_536 + (words[1] ?? 0) : (words[0] ?? 0);
    }
  }
}


/**
 * Polls one machine over Modbus TCP every `pollMs`: each poll reads every mapped point and hands
 * each value over with the poll's time as its source time (Modbus has no timestamps; core's
 * counter and state rules make repeats nothing). Connected means the last poll answered. Any failed
 * connect or read closes the connection and starts again after a backoff that doubles up to
 * `maxMs`; meanwhile nothing is read, so the gateway's heartbeats stop and the line shows no data.
 */
export function watchModbus(options: ModbusWatchOptions): ModbusWatch {
  const { connector } = options;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const now = options.now ?? Date.now;
  const abort = new AbortController();
  const where = `modbus://${connector.host}:${connector.port}/${connector.unitId}`;
  let connected = false;
  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    options.onConnected(value);
  };
  const points = READ_ORDER.flatMap((role) => (connector.nodes[role] ? [{ role, point: connector.nodes[role] }] : []));

  const session = async (client: ModbusRTU) => {
    await client.connectTCP(connector.host, { port: connector.port });
    client.setID(connector.unitId);
    client.setTimeout(connector.timeoutMs);
    while (!abort.signal.aborted) {
      const started = now();
      const values = [];
      for (const { role, point } of points) values.push({ role, value: await readPoint(client, point) });
      if (abort.signal.aborted) return;
      if (!connected) options.log(`connected to ${where}`);
      setConnected(true);
      values.sort((a, b) => APPLY_ORDER.indexOf(a.role) - APPLY_ORDER.indexOf(b.role));
      options.onChanges(values.map((v) => ({ ...v, sourceTs: started })));
      await sleep(Math.max(0, started + connector.pollMs - now()), abort.signal);
    }
  };

  const loop = async () => {
    let delay = backoff.initialMs;
    while (!abort.signal.aborted) {
      const client = new ModbusRTU();
      try {
        await session(client);
      } catch (error) {
        const message = (error as Error).message;
        if (!abort.signal.aborted) {
          options.log(`${where}: ${message}`);
          options.onError(message);
        }
      }
      const wasConnected = connected;
      setConnected(false);
      // A socket already gone never calls back: don't wait for it longer than a moment.
      await within(new Promise<void>((resolve) => client.destroy(() => resolve())), 1000);
      if (abort.signal.aborted) break;
      if (wasConnected) delay = backoff.initialMs;
      await sleep(delay, abort.signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  };
  const running = loop();
  return {
    get connected() {
      return connected;
    },
    async close() {
      abort.abort();
      await running;
    },
  };
}
