import { Duplex, Transform, type TransformCallback } from 'node:stream';
import { MAX_PAYLOAD_BYTES } from '../../core/index.ts';

/**
 * Largest MQTT packet the embedded broker reads. The MQTT parser buffers a whole packet before
 * anything (authentication included) looks at it, so without a limit one anonymous client could
 * announce a 256 MB CONNECT and fill the heap. Four times the ingest payload limit leaves room for
 * a slightly oversize batch to reach ingest, which dead-letters it with a precise reason.
 */
export const MAX_PACKET_BYTES = 4 * MAX_PAYLOAD_BYTES;

/**
 * Reads MQTT fixed headers as bytes flow by (type byte, then the 1-4 byte remaining length) and
 * fails the stream as soon as a packet announces more than `maxBytes`. Bytes pass unchanged.
 */
export class PacketSizeGuard extends Transform {
  #state: 'type' | 'length' | 'body' = 'type';
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  constructor(private readonly maxBytes = MAX_PACKET_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'body') {
        const n = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= n;
        i += n;
        if (this.#remaining === 0) this.#state = 'type';
        continue;
      }
      if (this.#state === 'type') {
        this.#state = 'length';
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        i++;
        continue;
      }
      const byte = chunk[i++]!;
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes++;
      if (this.#length > this.maxBytes) return callback(new Error(`MQTT packet of ${this.#length} bytes exceeds ${this.maxBytes}`));
      if (byte & 0x80) {
        if (this.#lengthBytes >= 4) return callback(new Error('malformed MQTT remaining length'));
        continue;
      }
      this.#remaining = this.#length;
      this.#state = this.#remaining > 0 ? 'body' : 'type';
    }
    callback(null, chunk);
  }
}

/** The connection as Aedes should see it: reads go through a `PacketSizeGuard`, writes go straight out. */
export function guardPacketSize(connection: Duplex, maxBytes = MAX_PACKET_BYTES): Duplex {
  const guard = new PacketSizeGuard(maxBytes);
  // A refused packet ends the connection at once; nothing more of it is read.
  guard.on('error', () => connection.destroy());
  connection.pipe(guard);
  return Duplex.from({ readable: guard, writable: connection });
}
