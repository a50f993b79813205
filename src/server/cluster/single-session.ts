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
      let isAnswered = false;
      c.once('connect', (connack) => {
        isAnswered = true;
        c.end(false, {}, () => resolve(connack.sessionPresent));
      });
      const fail = (error: Error) => {
        if (isAnswered) return;
        c.end(true);
        reject(error);
      };
      c.once('error', fail);
      // A broker or proxy that closes the socket without a word settles neither of the above.
      c.once('close', () => fail(new Error('the broker closed the connection before answering')));
    });
  // A look first (3.1.1 says whether a session was kept), then a clean connect, which discards it.
  const wasKept = await visit(false);
  await visit(true);
  return wasKept;
}
