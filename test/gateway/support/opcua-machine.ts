import { join } from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, type UAVariable } from 'node-opcua';

/** A free loopback port (node-opcua wants a number up front). */
export { freePort } from '../../helpers/mosquitto.ts';

export interface SimulatedMachine {
  endpoint: string;
  setState: (value: number) => void;
  setCounter: (value: number) => void;
  /** Client sessions open on the server now. */
  sessions: () => number;
  stop: () => Promise<void>;
}

/**
 * A press as a real OPC UA server: ns=1;s=Press.State (Int32) and ns=1;s=Press.Parts (UInt32),
 * anonymous, no security, on loopback. Its PKI lives in `dir`.
 */
export async function startMachine(dir: string, port: number, initial: { state: number; counter: number }): Promise<SimulatedMachine> {
  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: join(dir, 'pki'), automaticallyAcceptUnknownCertificate: true });
  const server = new OPCUAServer({ port, hostname: '127.0.0.1', resourcePath: '/UA/Press', allowAnonymous: true, serverCertificateManager, alternateHostname: ['127.0.0.1'] });
  await server.initialize();
  const ns = server.engine.addressSpace!.getOwnNamespace();
  const press = ns.addObject({ organizedBy: server.engine.addressSpace!.rootFolder.objects, browseName: 'Press' });
  const variable = (id: string, dataType: DataType, value: number): UAVariable =>
    ns.addVariable({ componentOf: press, nodeId: `s=${id}`, browseName: id, dataType, value: { dataType, value } });
  const state = variable('Press.State', DataType.Int32, initial.state);
  const parts = variable('Press.Parts', DataType.UInt32, initial.counter);
  await server.start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}/UA/Press`,
    setState: (value) => state.setValueFromSource({ dataType: DataType.Int32, value }),
    setCounter: (value) => parts.setValueFromSource({ dataType: DataType.UInt32, value }),
    sessions: () => server.engine.currentSessionCount,
    stop: () => server.shutdown(0),
  };
}
