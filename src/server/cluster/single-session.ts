import mqtt from 'mqtt';

/**
 * Ends the kept MQTT session a single service left on the broker (`clientId`, persistent) when
 * the plant moves to a cluster: nobody would ever read it again, and the broker would go on
 * queueing every ingest message for it. What it still held is not lost: the devices' outboxes
 * send again whatever no service acknowledged. Returns whether there was one.
 */
export async function endSingleServiceSession(o: { url: string; username: string; password: string; clientId: string }): Promise<boolean> {
  /** Connects and disconnects; says whether the broker had kept a session (CONNACK's flag). */
  const visit = (clean: boolean) =>
    new Promise<boolean>((resolve, reject) => {
      const c = mqtt.connect(o.url, { clientId: o.clientId, username: o.username, password: o.password, clean, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
      c.once('connect', (connack) => c.end(false, {}, () => resolve(connack.sessionPresent)));
      c.once('error', (error) => {
        c.end(true);
        reject(error);
      });
    });
  // A look first (3.1.1 says whether a session was kept), then a clean connect, which discards it.
  const wasKept = await visit(false);
  await visit(true);
  return wasKept;
}
