import type { Storage } from '../storage/storage.ts';
import type { NewestByDevice } from './stamp-records.ts';

/**
 * Writes each device's row (last seq, clock offset, last seen) after its messages. What was last
 * written is kept, so a busy device costs one device write a second, not one per message.
 */
export function createDeviceUpkeep(storage: Storage, log: (message: string, fields?: Record<string, unknown>) => void): (newest: NewestByDevice) => Promise<void> {
  const written = new Map<string, { at: number; offsetMs: number; isFlagged: boolean }>();
  return async (newest) => {
    for (const [deviceId, n] of newest) {
      const { reading, receivedAt } = n;
      const last = written.get(deviceId);
      const isNews = !last || last.isFlagged !== reading.isFlagged || Math.abs(last.offsetMs - reading.estimateMs) > 1000 || receivedAt - last.at >= 1000;
      if (!isNews) continue;
      if (reading.isFlagged && !last?.isFlagged) log('device clock off', { deviceId, clockOffsetMs: reading.estimateMs });
      await storage.upsertDevice({ deviceId, lastSeq: n.seq, clockOffsetMs: reading.estimateMs, lastSeenAt: receivedAt, isClockFlagged: reading.isFlagged });
      written.set(deviceId, { at: receivedAt, offsetMs: reading.estimateMs, isFlagged: reading.isFlagged });
    }
  };
}
