import type { Context } from 'hono';
import type { StoreFacts } from '../catalog/queries';
import type { ShopLang } from './lang';

/** The store a shop request is for (resolved from the URL by `web/store.ts`). */
export interface ShopStore {
  orgId: string;
  storeId: string;
  name: string;
  /** The organisation's shop projections are built (read with the store; absent: not known yet). */
  projected?: boolean;
  /** `/shop/<store id>`: every link of the shop starts here. */
  base: string;
  /** The store's currency, price mode and time zone, read with the store (absent: ask `storeFacts`). */
  facts?: StoreFacts;
  /** The store's own online safety buffer (thousandths), read with the store, for pages that only show availability. */
  safetyBuffer?: number;
  /** The organisation's recommendation counts are built (absent: not known yet). */
  recsBuilt?: boolean;
  /** The organisation has promotions or price lists, active or not (false: shelf prices hold; absent: not known). */
  pricing?: boolean;
}

/** A signed-in buyer (buyer accounts are the organisation's, apart from staff). */
export interface ShopBuyer {
  id: string;
  orgId: string;
  name: string;
  email: string | null;
  phone: string | null;
  verified: boolean;
}

export interface ShopEnv {
  Variables: {
    store: ShopStore;
    lang: ShopLang;
    /** The CSRF token this request's forms must carry back (double-submit cookie). */
    csrf: string;
    buyer: ShopBuyer | null;
    /** Whether the shop's cookies are marked Secure (the shop's options, set by `loadBuyer`). */
    secureCookies: boolean;
  };
}

export type ShopContext = Context<ShopEnv>;
