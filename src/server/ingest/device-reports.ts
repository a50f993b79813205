import { deviceReportSchema, type DeviceReport } from '../../core/contracts/devices.ts';
import { parseTopic } from '../../core/index.ts';

/** Devices whose newest report is kept, at most: a bound on memory whatever connects. */
const MAX_DEVICES = 100_000;

export interface StoredReport {
  report: DeviceReport;
  /** Service time of receipt. */
  at: number;
}

export type DeviceReports = ReturnType<typeof createDeviceReports>;

/**
 * The newest report of each device (`topics.deviceStatus`: app version, waiting entries, station),
 * in memory: devices send one on every connect and every minute, so a restarted service has them
 * again within a minute. Only the device itself may publish on its topic (broker scopes); a report
 * naming another device, or one that does not parse, is dropped (it is not an entry: no dead letter).
 */
export function createDeviceReports(now: () => number, log: (message: string, fields?: Record<string, unknown>) => void) {
  const latest = new Map<string, StoredReport>();
  return {
    /** Takes the message if it is a device report (true), whatever its content; false: not one, for ingest. */
    take(topic: string, payload: Buffer): boolean {
      const parsed = parseTopic(topic);
      if (parsed?.kind !== 'device-status') return false;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        json = undefined;
      }
      const report = deviceReportSchema.safeParse(json);
      if (!report.success || report.data.deviceId !== parsed.deviceId) {
        log('device report dropped', { topic, reason: report.success ? 'names another device' : 'not a device report' });
        return true;
      }
      if (!latest.has(parsed.deviceId) && latest.size >= MAX_DEVICES) return true;
      latest.set(parsed.deviceId, { report: report.data, at: now() });
      return true;
    },
    get: (deviceId: string): StoredReport | undefined => latest.get(deviceId),
    ids: (): IterableIterator<string> => latest.keys(),
    /** A revoked device's report no longer describes a device in use. */
    forget: (deviceId: string) => void latest.delete(deviceId),
  };
}
