import { ServerTCP } from 'modbus-serial';

export interface ModbusMachine {
  /** Holding registers by address (state, fault code, counters), changed by the test. */
  registers: Map<number, number>;
  /** Coils by address. */
  coils: Map<number, boolean>;
  stop: () => Promise<void>;
}

/** A machine as a real Modbus TCP server (modbus-serial's ServerTCP) on a loopback port, unit 1. */
export async function startModbusMachine(port: number, registers: Record<number, number>, coils: Record<number, boolean> = {}): Promise<ModbusMachine> {
  const machine = { registers: new Map(Object.entries(registers).map(([k, v]) => [Number(k), v])), coils: new Map(Object.entries(coils).map(([k, v]) => [Number(k), v])) };
  const server = new ServerTCP(
    {
      getHoldingRegister: (addr: number) => machine.registers.get(addr) ?? 0,
      getCoil: (addr: number) => machine.coils.get(addr) ?? false,
    },
    { host: '127.0.0.1', port, unitID: 1 },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  return { ...machine, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
