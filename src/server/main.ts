import { FloorboardError } from '../core/index.ts';
import { startService } from './start-service.ts';
import { startCentral } from './central/start-central.ts';
import { parseConfig, type Config } from './config.ts';

/**
 * Entry point of the plant service (`npm start`): the only place that reads the process
 * environment and arguments. Refuses to start on bad configuration, listing every problem.
 */
async function main(): Promise<void> {
  let service;
  try {
    const config = parseConfig(process.env, process.argv.slice(2));
    // The central service of many sites (CENTRAL_FILE) runs no plant: it never fails over.
    service = config.centralFile ? { ...(await startCentral(config)), failed: new Promise<string>(() => {}) } : await startWithFallbackPort(config);
  } catch (error) {
    if (error instanceof FloorboardError) {
      console.error(`floorboard: ${error.message}`);
      for (const line of error.details) console.error(`  - ${line}`);
    } else console.error('floorboard: failed to start', error);
    process.exit(1);
  }
  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    console.error(`floorboard: ${signal}, shutting down`);
    // A stuck shutdown must not keep the process around forever.
    setTimeout(() => process.exit(1), 10_000).unref();
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A cluster leader that lost its lease stops; its supervisor (systemd, compose) starts it again as a follower.
  void service.failed.then((reason) => {
    console.error(`floorboard: ${reason}`);
    if (isStopping) return;
    isStopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    service.close().finally(() => process.exit(1));
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * A plant engineer's laptop often runs Mosquitto on 1883 already. When nobody asked for that port,
 * the quick start should still come up: the embedded broker then takes a free TCP port (tablets and
 * dashboards use WebSocket on /mqtt anyway) and says which. An explicitly chosen port stays fatal.
 */
async function startWithFallbackPort(config: Config): Promise<Awaited<ReturnType<typeof startService>>> {
  const isPortChosen = Boolean(process.env.MQTT_TCP_PORT) || process.argv.some((a) => a.startsWith('--mqtt-port'));
  try {
    return await startService(config);
  } catch (error) {
    const isBusy = error instanceof FloorboardError && error.code === 'invalid-config' && error.message.startsWith('MQTT_TCP_PORT');
    if (!isBusy || isPortChosen || config.mqttUrl) throw error;
    const service = await startService({ ...config, mqttTcpPort: 0 });
    console.error(
      `floorboard: MQTT port ${config.mqttTcpPort} is taken (another broker?); the embedded broker listens on TCP port ${service.mqttPort} instead. Set MQTT_TCP_PORT to choose one, or MQTT_URL to use that broker.`,
    );
    return service;
  }
}

await main();
