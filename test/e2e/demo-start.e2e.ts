import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { pino } from 'pino';
import { parse } from 'yaml';
import { plantSchema } from '../../src/core/index.ts';
import { calendarWithShiftSoFar } from './support/test-service.ts';
import { startService, type Service } from '../../src/server/start-service.ts';
import { configSchema } from '../../src/server/config.ts';
import { DashboardPage } from './dashboard-pages.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DEMO_PLANT = join(root, 'plants/demo.plant.yaml');
const MIN = 60_000;

/**
 * The demo plant, as `npm start` uses it, when a shift has been running for four hours now. Outside
 * the demo's shifts (a weekend) or earlier in a shift, the same plant gets three 8 h shifts a day with
 * one that began four hours ago: in a shift's first hours one long breakdown can still take a line's
 * OEE below 30 %.
 */
async function demoPlantNow(dir: string): Promise<string> {
  const text = await readFile(DEMO_PLANT, 'utf8');
  const calendar = calendarWithShiftSoFar(plantSchema.parse(parse(text)).calendar, 240 * MIN, 5 * MIN);
  if (!calendar) return DEMO_PLANT;
  const raw = parse(text) as { calendar: unknown };
  raw.calendar = calendar;
  const file = join(dir, 'demo-now.plant.json');
  await writeFile(file, JSON.stringify(raw));
  return file;
}

let service: Service | null = null;
let dataDir = '';

test.beforeAll(async () => {
  await mkdir('test-results/dashboard', { recursive: true });
});
test.afterEach(async () => {
  await service?.close();
  service = null;
  await rm(dataDir, { recursive: true, force: true });
});

test('a first start of the demo: every board tile shows the backfilled shift, OEE between 30 and 95 %', async ({ page }) => {
  test.setTimeout(240_000);
  dataDir = await mkdtemp(join(tmpdir(), 'floorboard-e2e-demo-'));
  const config = configSchema.parse({
    port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile: await demoPlantNow(dataDir), dataDir,
    staticDir: join(root, 'dist'), oeeIntervalMs: 1000, logLevel: 'silent', isDemo: true,
  });
  service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  const board = new DashboardPage(page);
  await board.open(`http://127.0.0.1:${service.httpPort}`, '#/board');
  await board.signIn('plant-manager', 'demo-manager');
  await board.waitLive();
  const tiles = page.locator('[data-testid^="tile-"]');
  await expect(tiles).toHaveCount(8);
  const lineIds = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('tile-'.length)));
  const oeeOf = async (lineId: string) => {
    const text = (await board.tile(lineId).getByTestId('oee').textContent()) ?? '';
    const match = /^(\d+)%$/.exec(text.trim());
    return match ? Number(match[1]) : text.trim();
  };
  // The backfill runs in the background after the service is up; the board follows when it is done.
  for (const lineId of lineIds) {
    await expect.poll(() => oeeOf(lineId), { timeout: 180_000, message: `OEE on the tile of ${lineId}` }).toBeGreaterThanOrEqual(30);
    const oee = await oeeOf(lineId);
    expect(oee, lineId).toBeLessThanOrEqual(95);
    // The shift's production is there too, not only a ratio.
    await expect(board.tile(lineId).getByTestId('produced')).not.toHaveText(/^0 \//);
  }
  await board.screenshot('board-demo-first-start');
});
