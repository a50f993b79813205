import { FloorboardError, MAX_BATCH_EVENTS, topics, type Ack, type FloorEvent } from '../core/index.ts';
import type { PlantNames } from '../core/import/plant-names.ts';
import { connectSessionBroker, type ServiceSession } from './service-session.ts';

export interface PublishResult {
  accepted: number;
  refused: { id?: string; code: string; message: string }[];
}

const ACK_TIMEOUT_MS = 30_000;

/**
 * Publishes events to the service as the signed-in import device, like a tablet: batches on each
 * station's events topic over MQTT (WebSocket, the session's broker login), one at a time, each
 * waiting for the application ack sent after the commit. Ingest applies its usual rules; what it
 * refuses comes back with its code and reason.
 */
export async function publishEvents(session: ServiceSession, site: string, names: PlantNames, events: readonly FloorEvent[]): Promise<PublishResult> {
  const acks: Ack[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  // Not JSON or not an ack: not ours; the wait below times out with a clear message.
  const client = await connectSessionBroker(session, site, (ack) => {
    if (ack) acks.push(ack);
    wake?.();
  });
  // A broker that refuses a publish closes the connection (Aedes), and mqtt.js then never settles
  // the publish: say so at once, not after the timeout.
  let onClosed: (error: Error) => void = () => {};
  const whenClosed = new Promise<never>((_, reject) => (onClosed = reject));
  whenClosed.catch(() => {});
  client.on('close', () => {
    closed = true;
    onClosed(refusedError());
    wake?.();
  });
  try {
    const byStation = new Map<string, FloorEvent[]>();
    for (const e of events) byStation.set(`${e.lineId}/${e.stationId}`, [...(byStation.get(`${e.lineId}/${e.stationId}`) ?? []), e]);
    const result: PublishResult = { accepted: 0, refused: [] };
    for (const list of byStation.values()) {
      const first = list[0]!;
      const topic = topics.events({ site, area: names.lineById.get(first.lineId)!.areaId, line: first.lineId, station: first.stationId });
      for (let i = 0; i < list.length; i += MAX_BATCH_EVENTS) {
        const batch = list.slice(i, i + MAX_BATCH_EVENTS);
        await Promise.race([client.publishAsync(topic, JSON.stringify({ events: batch }), { qos: 1 }), whenClosed]);
        // One batch at a time, on this device's own ack topic: the next ack is this batch's.
        const ack = await nextAck(acks, () => closed, (w) => (wake = w));
        result.accepted += ack.accepted.length;
        result.refused.push(...ack.rejected.map((r) => ({ ...(r.id ? { id: r.id } : {}), code: r.code, message: r.message })));
      }
    }
    return result;
  } finally {
    await client.endAsync(true);
  }
}

const refusedError = () => new FloorboardError('forbidden', 'the broker closed the connection: it refused a publish (may the user write entries for these lines?)');

/** Waits for the ack of the batch just published. */
async function nextAck(acks: Ack[], isClosed: () => boolean, onWake: (wake: () => void) => void): Promise<Ack> {
  const deadline = Date.now() + ACK_TIMEOUT_MS;
  for (;;) {
    const ack = acks.shift();
    if (ack) return ack;
    if (isClosed()) throw refusedError();
    const left = deadline - Date.now();
    if (left <= 0) throw new FloorboardError('internal', `no acknowledgement from the service within ${ACK_TIMEOUT_MS / 1000} s; run the import again (it stores nothing twice)`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      onWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
