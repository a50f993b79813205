import { FloorboardError } from '../core/index.ts';
import { startService } from './app.ts';
import { parseConfig } from './config.ts';

/**
 * Entry point of the plant service (`npm start`): the only place that reads the process
 * environment and arguments. Refuses to start on bad configuration, listing every problem.
 */
async function main(): Promise<void> {
  let service;
  try {
    service = await startService(parseConfig(process.env, process.argv.slice(2)));
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
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

await main();
