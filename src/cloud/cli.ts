/**
 * `npm run cloud -- --data DIR --port N [--host H]`: the sync server.
 * With DATABASE_URL set it uses that PostgreSQL server; otherwise an embedded PGlite database in
 * the data folder (default ./countertop-cloud), so it runs on a fresh machine with nothing else.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openCloudStore } from './db/open';
import { cloudDeps } from './deps';
import { buildCloudApp, serveCloud } from './server';
import { checkoutFromEnv, startExpirySweep } from './shop/checkout/config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const databaseUrl = process.env.DATABASE_URL || null;
  const store = await openCloudStore({ databaseUrl, dataDir: databaseUrl ? null : resolve(values.data ?? 'countertop-cloud') });
  const signupSecret = process.env.CLOUD_SIGNUP_SECRET || null;
  // The shop's mail: links in mails start with the public address, never with a request's Host.
  const smtpUrl = process.env.CLOUD_SMTP_URL || null;
  const mailFrom = process.env.CLOUD_MAIL_FROM || null;
  // One public address for mails, payment returns and Secure cookies (SHOP_PUBLIC_URL is its older name).
  const publicUrl = process.env.CLOUD_PUBLIC_URL || process.env.SHOP_PUBLIC_URL || null;
  if (smtpUrl && !mailFrom) throw new Error('CLOUD_SMTP_URL is set without CLOUD_MAIL_FROM (the address buyers’ mails come from)');
  const deps = cloudDeps(store.db, { noteWrites: store.noteWrites });
  const secureCookies = publicUrl?.startsWith('https:') ?? false;
  const checkout = checkoutFromEnv({ ...process.env, ...(publicUrl ? { SHOP_PUBLIC_URL: publicUrl } : {}) }, secureCookies);
  const shop = {
    secureCookies,
    mail: smtpUrl && mailFrom ? { url: smtpUrl, from: mailFrom } : null,
    publicUrl,
    ...(checkout.options ? { checkout: checkout.options } : {}),
  };
  const app = buildCloudApp(deps, { signupSecret, shop, serverTiming: process.env.CLOUD_SERVER_TIMING === '1' });
  const stopSweep = checkout.options
    ? startExpirySweep(deps, checkout.options.stock, undefined, checkout.options.payments)
    : () => undefined;
  console.log(checkout.note);
  const running = await serveCloud(app, { port, host: values.host });
  console.log(`Countertop cloud database: ${store.kind} (${store.where})`);
  console.log(
    signupSecret
      ? 'Sign-up is open to whoever has the secret in CLOUD_SIGNUP_SECRET.'
      : 'Sign-up is closed: set CLOUD_SIGNUP_SECRET to let new organisations sign up.',
  );
  console.log(`Countertop cloud is listening on ${running.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stopSweep();
    void running
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Countertop cloud could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
