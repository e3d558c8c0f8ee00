/**
 * The providers' SDKs, loaded when a gateway is first built rather than when the app starts: a
 * till that takes no mobile or terminal payment never loads them, and one that does loads them at
 * its first payment or reconciliation. alipay-sdk with its HTTP client and stripe are about a third
 * of the main process's JavaScript; loading them at start cost the clerk a few hundred milliseconds
 * every morning.
 */
import { createRequire } from 'node:module';
import type * as AlipaySdkModule from 'alipay-sdk';
import type Stripe from 'stripe';

const load = createRequire(import.meta.url);

export function alipaySdkModule(): typeof AlipaySdkModule {
  return load('alipay-sdk') as typeof AlipaySdkModule;
}

export function stripeSdk(): typeof Stripe {
  return load('stripe') as typeof Stripe;
}
