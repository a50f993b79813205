// The machines of bench:opcua in a process of their own (as real machines are): one node-opcua
// server with STATIONS machines, each a state and two counters. Driven over IPC by the bench:
// { phase: { hz, seconds } } changes both counters of every machine `hz` times a second and answers
// { done: { changes, sentMs, cpuSec } }; { stop: true } shuts the server down.
import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, type UAVariable } from 'node-opcua';

const STATIONS = Number(process.env.BENCH_STATIONS);
const port = Number(process.env.BENCH_OPCUA_PORT);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = new OPCUAServer({
  port, hostname: '127.0.0.1', resourcePath: '/UA/Bench', allowAnonymous: true, maxAllowedSessionNumber: STATIONS + 20, maxConnectionsPerEndpoint: STATIONS + 20,
  // One session and one subscription per station's connector.
  serverCapabilities: { maxSessions: STATIONS + 20, maxSubscriptions: STATIONS + 20, maxSubscriptionsPerSession: 10, maxMonitoredItems: STATIONS * 4 + 100 },
  serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(process.env.BENCH_DIR!, 'pki'), automaticallyAcceptUnknownCertificate: true }),
});
await server.initialize();
const ns = server.engine.addressSpace!.getOwnNamespace();
const tags: { parts: UAVariable; rejects: UAVariable; value: number }[] = [];
for (let i = 0; i < STATIONS; i++) {
  const o = ns.addObject({ organizedBy: server.engine.addressSpace!.rootFolder.objects, browseName: `M${i}` });
  const v = (name: string, dataType: DataType, value: number) => ns.addVariable({ componentOf: o, nodeId: `s=M${i}.${name}`, browseName: name, dataType, value: { dataType, value } });
  v('State', DataType.Int32, 1);
  tags.push({ parts: v('Parts', DataType.UInt32, 0), rejects: v('Rejects', DataType.UInt32, 0), value: 0 });
}
await server.start();
process.send!({ ready: true });

process.on('message', async (m: { phase?: { hz: number; seconds: number }; stop?: boolean }) => {
  if (m.stop) {
    await server.shutdown(0);
    process.exit(0);
  }
  if (!m.phase) return;
  const { hz, seconds } = m.phase;
  const cpu0 = process.cpuUsage();
  const start = Date.now();
  let changes = 0;
  for (let tick = 0; tick < seconds * hz; tick++) {
    await sleep(Math.max(0, start + (tick * 1000) / hz - Date.now()));
    const sourceTimestamp = new Date();
    for (const t of tags) {
      t.value++;
      t.parts.setValueFromSource({ dataType: DataType.UInt32, value: t.value }, undefined, sourceTimestamp);
      t.rejects.setValueFromSource({ dataType: DataType.UInt32, value: t.value >> 3 }, undefined, sourceTimestamp);
      changes += 2;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  process.send!({ done: { changes, sentMs: Date.now() - start, cpuSec: (cpu.user + cpu.system) / 1e6 } });
});
