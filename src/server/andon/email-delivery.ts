import nodemailer, { type Transporter } from 'nodemailer';
import type { AndonEmail } from '../../core/andon/rules.schema.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { SmtpServer } from '../smtp-config.ts';
import type { CallView } from './call-view.ts';
import type { DeliveryMessage, DeliveryQueue, DeliveryRecord, TryOnce } from './delivery-queue.ts';

/** The changes that are mailed: a call's raise and each escalation, to the list of the level it reached. */
const MAILED = new Set(['raised', 'escalated']);

export interface EmailOptions {
  smtp: SmtpServer;
  email: AndonEmail;
  index: PlantIndex;
  queue: DeliveryQueue;
  /** Connection, greeting and socket time-out of one try. */
  timeoutMs?: number;
}

/** The mail of one change of a call: line, station, what is called, level and time, in the plant's time zone. */
export function mailOf(call: CallView, change: string, index: PlantIndex): { subject: string; text: string } {
  const line = index.lines.get(call.lineId)?.line;
  const lineName = line?.name ?? call.lineId;
  const station = line?.stations.find((s) => s.id === call.stationId)?.name ?? call.stationId;
  const tz = index.plant.calendar.timezone;
  const time = (ms: number) => `${new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'medium', timeStyle: 'medium' }).format(ms)} (${tz}; ${new Date(ms).toISOString()})`;
  const levelAt = call.levels.find((l) => l.level === call.level)?.at ?? call.raisedAt;
  const subject = `Andon ${lineName}: ${call.kind} called, level ${call.level}${change === 'escalated' ? ' (escalated, not acknowledged)' : ''}`;
  const text = [
    subject,
    '',
    `Line: ${lineName} (${call.lineId})`,
    `Station: ${station}`,
    `Call: ${call.kind}`,
    `Trigger: ${call.trigger}${call.reasonId ? `, reason ${call.reasonId}` : ''}`,
    `Level: ${call.level}`,
    `Raised: ${time(call.raisedAt)}`,
    ...(change === 'escalated' ? [`Escalated: ${time(levelAt)}`] : []),
    ...(call.note ? [`Note: ${call.note}`] : []),
    ...(call.notify.length ? [`Notify: ${call.notify.join(', ')}`] : []),
    `Call id: ${call.id}`,
  ].join('\n');
  return { subject, text };
}

/**
 * Andon calls by email through the service's SMTP server (nodemailer): one mail per raise and per
 * escalation to that level's recipients, retried and dead-lettered by the shared delivery queue.
 */
export class EmailDelivery {
  readonly #o: EmailOptions;
  readonly #transport: Transporter;

  constructor(o: EmailOptions) {
    this.#o = o;
    const timeout = o.timeoutMs ?? 10_000;
    this.#transport = nodemailer.createTransport({
      host: o.smtp.host,
      port: o.smtp.port,
      secure: o.smtp.secure,
      ...(o.smtp.user ? { auth: { user: o.smtp.user, pass: o.smtp.password ?? '' } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  send(call: CallView, change: string): void {
    if (!MAILED.has(change)) return;
    const to = this.#o.email.levels.find((l) => l.level === call.level)?.to;
    if (!to) return;
    this.#o.queue.send({ callId: call.id, lineId: call.lineId, channel: 'email', target: to.join(', '), change }, this.#tryOf(to, mailOf(call, change, this.#o.index)));
  }

  /** Goes on with a mail a restart cut, to the recipients it was sent to, saying what the call says now. */
  resume(from: DeliveryMessage & Pick<DeliveryRecord, 'id' | 'attempts'>, call: CallView): void {
    this.#o.queue.resume(from, this.#tryOf(from.target.split(', '), mailOf(call, from.change, this.#o.index)));
  }

  #tryOf(to: string[], mail: { subject: string; text: string }): TryOnce {
    return async () => {
      try {
        const info = (await this.#transport.sendMail({ from: this.#o.email.from, to, ...mail })) as { response?: string };
        return { status: Number.parseInt(info.response ?? '250', 10) || 250, error: null };
      } catch (e) {
        const err = e as Error & { responseCode?: number; code?: string };
        return { status: err.responseCode ?? null, error: err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message };
      }
    };
  }

  close(): void {
    this.#transport.close();
  }
}
