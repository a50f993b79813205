import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { ShiftReport } from '../../core/report/shift-report.ts';
import { FloorboardError } from '../../core/errors.ts';

/** What the MQTT topic and the webhook say about a new report; the report itself is read from the API. */
export const shiftReportAnnouncementSchema = z.object({
  lineId: z.string(),
  shiftId: z.string(),
  shiftStart: z.number(),
  shiftEnd: z.number(),
  madeAt: z.number(),
  oee: z.number().nullable(),
  /** API paths (relative to the service) of the stored report and its PDF. */
  url: z.string(),
  pdfUrl: z.string(),
});
export type ShiftReportAnnouncement = z.infer<typeof shiftReportAnnouncementSchema>;

export function announcementOf(r: ShiftReport): ShiftReportAnnouncement {
  const q = `line=${encodeURIComponent(r.lineId)}&from=${r.start}&to=${r.end}&stored=1`;
  return { lineId: r.lineId, shiftId: r.shiftId, shiftStart: r.start, shiftEnd: r.end, madeAt: r.madeAt, oee: r.figures.oee, url: `/api/shift-report?${q}`, pdfUrl: `/api/shift-report.pdf?${q}` };
}

export interface WebhookOptions {
  url: string;
  /** Tries in all (first one included). */
  attempts?: number;
  /** Wait before the second try; doubles each time. */
  backoffMs?: number;
  timeoutMs?: number;
}

/**
 * POSTs the announcement as JSON, retrying with exponential backoff on a network error or a
 * non-2xx answer. Resolves with the number of tries; rejects after the last failed one.
 */
export async function postWebhook(options: WebhookOptions, body: ShiftReportAnnouncement, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<number> {
  const attempts = options.attempts ?? 5;
  let wait = options.backoffMs ?? 1000;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await res.body?.cancel();
      if (res.ok) return attempt;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) {
      await sleep(wait);
      wait *= 2;
    }
  }
  throw new FloorboardError('delivery-failed', `webhook ${options.url} failed ${attempts} times, last: ${last}`);
}

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
  to: string[];
}

/** Sends the report's PDF through the configured SMTP server. */
export async function mailReport(smtp: SmtpOptions, mail: { subject: string; text: string; filename: string; pdf: Buffer }): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to: smtp.to,
      subject: mail.subject,
      text: mail.text,
      attachments: [{ filename: mail.filename, content: mail.pdf, contentType: 'application/pdf' }],
    });
  } finally {
    transport.close();
  }
}
