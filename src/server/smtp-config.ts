import { readFile } from 'node:fs/promises';
import { FloorboardError } from '../core/index.ts';
import type { Config } from './config.ts';

/** The service's SMTP server, password resolved; null when SMTP_HOST is not set. */
export interface SmtpServer {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
}

/** Reads SMTP_PASSWORD_FILE when given (a secret mounted beside the service, never in the repository). */
export async function smtpServerOf(config: Config): Promise<SmtpServer | null> {
  if (!config.smtpHost) return null;
  let password = config.smtpPassword;
  if (config.smtpPasswordFile) {
    try {
      password = (await readFile(config.smtpPasswordFile, 'utf8')).trim();
    } catch (error) {
      throw new FloorboardError('invalid-config', 'invalid configuration (1 problem)', { details: [`SMTP_PASSWORD_FILE: cannot read ${config.smtpPasswordFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`], cause: error });
    }
    if (!password) throw new FloorboardError('invalid-config', 'invalid configuration (1 problem)', { details: [`SMTP_PASSWORD_FILE: ${config.smtpPasswordFile} is empty`] });
  }
  return { host: config.smtpHost, port: config.smtpPort, secure: config.smtpSecure, user: config.smtpUser, password };
}
