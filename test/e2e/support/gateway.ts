import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { topics } from '../../../src/core/topics.ts';

/**
 * A machine gateway of the test plant (gw-a, station a1 of line-a): signs in over HTTP like a real
 * one, then publishes machine signals on its station's signals topic over MQTT (TCP).
 */
export class Gateway {
  #seq = 0;
  private constructor(
    readonly client: MqttClient,
    readonly deviceId: string,
    readonly station: string,
  ) {}

  static async connect(serviceUrl: string, mqttPort: number, station = 'a1', deviceId = `gw-${ulid().toLowerCase()}`): Promise<Gateway> {
    const res = await fetch(`${serviceUrl}/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId }),
    });
    if (!res.ok) throw new Error(`gateway login: ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'gw-a', password: token, clientId: deviceId, reconnectPeriod: 0 });
    return new Gateway(client, deviceId, station);
  }

  /** Publishes one signal (machine.state, machine.counter, ...) stamped now; returns its event id. */
  async signal(payload: Record<string, unknown>, ts = Date.now()): Promise<string> {
    const event = { v: 1, id: ulid(), deviceId: this.deviceId, seq: this.#seq++, ts, author: 'gw-a', lineId: 'line-a', stationId: this.station, ...payload };
    await this.client.publishAsync(topics.signals({ site: 'test-site', area: 'assembly', line: 'line-a', station: this.station }), JSON.stringify({ events: [event] }), { qos: 1 });
    return event.id;
  }

  state(state: 'running' | 'stopped' | 'fault', ts?: number): Promise<string> {
    return this.signal({ type: 'machine.state', state }, ts);
  }

  counter(total: number, productId = 'widget', ts?: number): Promise<string> {
    return this.signal({ type: 'machine.counter', productId, total }, ts);
  }

  end(): Promise<void> {
    return this.client.endAsync();
  }
}
