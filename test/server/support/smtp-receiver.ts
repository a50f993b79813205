import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real local SMTP server (smtp-server) that keeps every message, parsed (mailparser). It takes
 * `login` as the only valid one; with `isAuthOptional` a client may also send without logging in.
 */
export async function startSmtp(login: { user: string; password: string }, isAuthOptional = false) {
  const mails: { to: string[]; mail: ParsedMail }[] = [];
  const server = new SMTPServer({
    ...(isAuthOptional ? { authOptional: true } : { allowInsecureAuth: true }),
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _session, cb) => (auth.username === login.user && auth.password === login.password ? cb(null, { user: login.user }) : cb(new Error('bad login'))),
    onData: (stream, session, cb) => {
      void simpleParser(stream).then((mail) => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
