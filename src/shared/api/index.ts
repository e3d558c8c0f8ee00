import type { z } from 'zod';
import { appContract } from './app';
import { staffContract } from './staff';
import { settingsContract } from './settings';
import { taxRatesContract } from './tax-rates';
import { catalogContract } from './catalog';
import { cartContract, saleExtrasContract, salesContract } from './sales';
import { receiptsContract } from './receipts';
import { ordersContract } from './orders';
import { returnsContract } from './returns';
import { parkedContract } from './parked';
import { customersContract } from './customers';
import { ratingsContract } from './ratings';
import { invoicesContract } from './invoices';
import { shippingContract } from './shipping';
import { stockContract, importExportContract } from './inventory';
import { countsContract } from './counts';
import { purchasingContract } from './purchasing';
import { filesContract } from './files';
import { labelsContract } from './labels';
import { adminContract } from './admin';
import { shiftsContract } from './shifts';
import { insightContract } from './insight';
import { syncContract } from './sync';
import { historyContract } from './history';
import { cardIntentsContract, paymentsContract } from './payments';
import { promotionsContract } from './promotions';
import { couponsContract } from './coupons';
import { storedValueContract } from './stored-value';
import { priceListsContract } from './price-lists';
import { onlineOrdersContract } from './online-orders';
import type { ChannelDef, Writes } from './define';

/** The whole API: one table of channels. The router and the renderer's client are typed from it. */
export const contract = {
  ...appContract,
  ...staffContract,
  ...settingsContract,
  ...taxRatesContract,
  ...catalogContract,
  ...cartContract,
  ...cardIntentsContract,
  ...salesContract,
  ...receiptsContract,
  ...adminContract,
  ...ordersContract,
  ...returnsContract,
  ...parkedContract,
  ...saleExtrasContract,
  ...customersContract,
  ...ratingsContract,
  ...shippingContract,
  ...shiftsContract,
  ...insightContract,
  ...syncContract,
  ...stockContract,
  ...purchasingContract,
  ...countsContract,
  ...importExportContract,
  ...filesContract,
  ...labelsContract,
  ...historyContract,
  ...paymentsContract,
  ...promotionsContract,
  ...couponsContract,
  ...storedValueContract,
  ...priceListsContract,
  ...onlineOrdersContract,
  ...invoicesContract,
};

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type InputOf<K extends Channel> = z.input<Contract[K]['input']>;
export type ParsedInputOf<K extends Channel> = z.output<Contract[K]['input']>;
export type OutputOf<K extends Channel> = Contract[K] extends ChannelDef<z.ZodType, infer O, Writes> ? O : never;
export type WritesOf<K extends Channel> = Contract[K] extends ChannelDef<z.ZodType, unknown, infer W> ? W : never;

/** Events main pushes to the renderer (subscribe). */
export interface Events {
  'payments.intent': import('./types').CardIntent;
  /** A trade changed state (paid, failed, waiting…): the payment dialog follows it without polling. */
  'payments.trade': import('./payments').Trade;
  'session.expired': { reason: 'idle' | 'signedOut' };
  /** Stock or reorder rules changed (a sale, a receipt, a count…): alert badges refresh. */
  'stock.changed': { at: number };
  /** The background integrity check found the database damaged: the app is now in recovery. */
  'app.recovery': { problem: string };
}
export type EventName = keyof Events;

export * from './types';
export * from './inventory-types';
export * from './define';
export type * from './admin';
export type { Fulfilment, CartExtras } from './sales';
export * from './orders';
export * from './returns';
export * from './parked';
export * from './customers';
export * from './ratings';
export * from './shipping';
export * from './history';
export * from './payments';
export * from './promotions';
export * from './coupons';
export * from './stored-value';
export * from './price-lists';
export type * from './online-orders';
