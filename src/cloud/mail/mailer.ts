/**
 * Outgoing mail over SMTP (nodemailer), configured by the server's operator. The transport holds
 * only its settings: each message opens its own connection, so nothing lives between requests.
 */
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface SmtpSettings {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465`. */
  url: string;
  /** The From address, e.g. `Corner Shop <shop@example.com>`. */
  from: string;
}

/** Timeouts short enough that a dead mail server fails a request instead of hanging it. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function smtpMailer(settings: SmtpSettings): Mailer {
  const url = new URL(settings.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`The SMTP URL must start with smtp:// or smtps://`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  const transport = nodemailer.createTransport({
    host,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    // A password never crosses the network in clear: STARTTLS is required unless the server is this machine.
    requireTLS: url.protocol === 'smtp:' && url.username !== '' && !loopback,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    ...TIMEOUTS,
  });
  return {
    async send(m) {
      await transport.sendMail({ from: settings.from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}
