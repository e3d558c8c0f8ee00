/**
 * The account mails (verification, password reset), in the buyer's language, with links built on
 * the operator's public address: never on the request's Host header, which whoever sends the
 * request chooses (a reset link pointing at their server would hand them the token).
 */
import { smtpMailer, type Mailer, type SmtpSettings } from '../../mail/mailer';
import type { CloudDeps } from '../../deps';
import type { ShopContext } from '../web/env';
import { issueToken, type TokenPurpose } from './accounts';
import { buyerWords } from './words';

export interface AccountMail {
  mailer: Mailer;
  /** `https://shop.example.com`, no trailing slash. */
  publicUrl: string;
}

/** Mail needs both a mail server and the public address; without either, accounts work unverified. */
export function accountMail(opts: { mail?: SmtpSettings | Mailer | null; publicUrl?: string | null }): AccountMail | null {
  if (!opts.mail || !opts.publicUrl) {
    console.info(
      '[shop] Buyer mail is off (set CLOUD_SMTP_URL, CLOUD_MAIL_FROM and CLOUD_PUBLIC_URL): accounts work, emails are not verified and passwords cannot be reset online.',
    );
    return null;
  }
  const url = new URL(opts.publicUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The public URL must start with https:// (or http://)');
  const mailer = 'send' in opts.mail ? opts.mail : smtpMailer(opts.mail);
  return { mailer, publicUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** Issues a one-time link for `purpose` and mails it to the account's address. */
export async function sendAccountMail(
  c: ShopContext,
  deps: CloudDeps,
  mail: AccountMail,
  buyer: { id: string; name: string; email: string },
  purpose: TokenPurpose,
): Promise<void> {
  const token = await issueToken(deps, buyer.id, buyer.email, purpose);
  const store = c.get('store');
  const lang = c.get('lang');
  const path = purpose === 'verify' ? 'verify' : 'reset';
  const link = `${mail.publicUrl}${store.base}/account/${path}?token=${token}&lang=${lang}`;
  const vars = { name: buyer.name, shop: store.name, link };
  await mail.mailer.send({
    to: buyer.email,
    subject: buyerWords(lang, purpose === 'verify' ? 'mailVerifySubject' : 'mailResetSubject', vars),
    text: buyerWords(lang, purpose === 'verify' ? 'mailVerifyBody' : 'mailResetBody', vars),
  });
}
