import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  user: unknown;
  /** The message as sent, quoted-printable soft breaks and escapes undone. */
  text: string;
}

/**
 * A real SMTP receiver on 127.0.0.1 (smtp-server) for the invitation tests: takes mail from the account `mailer`
 * (password `p@ss word/1`), or refuses every recipient.
 */
export class Mailbox {
  readonly received: Received[] = [];
  refuseRecipients = false;
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, cb) =>
      auth.username === 'mailer' && auth.password === 'p@ss word/1'
        ? cb(null, { user: 'mailer' })
        : cb(new Error('Invalid username or password')),
    onRcptTo: (_address, _session, cb) =>
      this.refuseRecipients ? cb(Object.assign(new Error('No such mailbox here'), { responseCode: 550 })) : cb(),
    onData: (stream, session, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const text = raw
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
        const mailFrom = session.envelope.mailFrom;
        this.received.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user,
          text,
        });
        cb();
      });
    },
  });

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
