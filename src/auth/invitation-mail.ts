import type { Transporter } from 'nodemailer';

/** What the invitee gets by e-mail: the one-time link, its expiry, and who invited them. */
export interface InvitationMail {
  to: string;
  url: string;
  expiresAt: string;
  invitedBy: string;
}

/** Sends invitations; absent when FLOTILLA_SMTP_URL is not set (the Panel then only shows the link). */
export interface InvitationMailer {
  send(mail: InvitationMail): Promise<void>;
  close(): void;
}

/**
 * An SMTP mailer (nodemailer) for `smtp://` or `smtps://` URLs with optional credentials; STARTTLS when the server
 * offers it. Short timeouts: an invitation waits for the mail server at most a few seconds before the Panel is
 * told it was not sent (the link is shown either way). nodemailer loads with the first invitation, not at start.
 */
export function smtpMailer(url: string, from: string): InvitationMailer {
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport(
        { url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, logger: false },
        { from },
      ),
    ));
  return {
    async send(mail) {
      await (
        await open()
      ).sendMail({
        to: mail.to,
        subject: 'You are invited to Flotilla',
        text: [
          `${mail.invitedBy} invited you to join their Flotilla.`,
          '',
          'Open this link to choose your password; it works once, until',
          `${new Date(mail.expiresAt).toUTCString()}:`,
          '',
          mail.url,
          '',
          'If you did not expect this invitation, ignore this message.',
        ].join('\n'),
      });
    },
    close() {
      void transport?.then((t) => t.close());
    },
  };
}
