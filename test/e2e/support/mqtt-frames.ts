/**
 * The topic of an MQTT PUBLISH in a WebSocket frame (binary; either way between the page and the
 * broker, as `page.routeWebSocket` sees it), or null for any other packet.
 */
export function publishTopic(m: string | Buffer): string | null {
  if (typeof m === 'string' || m.length < 2 || m[0]! >> 4 !== 3) return null;
  let i = 1;
  while (m[i]! & 0x80) i++; // remaining length: 1 to 4 bytes
  const length = m.readUInt16BE(i + 1);
  return m.subarray(i + 3, i + 3 + length).toString('utf8');
}

/**
 * Whole MQTT packets from a broker's WebSocket frames: the broker writes a packet in pieces (its
 * header, length, topic and payload each a frame of their own), so a filter by topic needs them
 * joined. Returns a splitter: each call takes the next frame and gives the packets it completed.
 */
export function mqttPackets(): (frame: string | Buffer) => Buffer[] {
  let rest = Buffer.alloc(0);
  return (frame) => {
    rest = Buffer.concat([rest, typeof frame === 'string' ? Buffer.from(frame) : frame]);
    const packets: Buffer[] = [];
    for (;;) {
      // Remaining length: 1 to 4 bytes after the first, 7 bits each, lowest first.
      let [i, length] = [1, 0];
      for (; i < rest.length; i++) {
        length += (rest[i]! & 0x7f) * 128 ** (i - 1);
        if (!(rest[i]! & 0x80)) break;
      }
      const end = i + 1 + length;
      if (i >= rest.length || rest.length < end) return packets;
      packets.push(rest.subarray(0, end));
      rest = rest.subarray(end);
    }
  };
}
