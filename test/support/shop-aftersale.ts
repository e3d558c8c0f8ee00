/** A paid shop order, placed and paid through the fake Alipay, and what its buyer's browser needs to reach it. */
import { expect } from 'vitest';
import { rowsOf, sql } from '../../src/cloud/db/open';
import { Browser, hidden, type ShopCloud } from './shop-checkout';

export const address = {
  a_name: 'Li Lei',
  a_line1: '1 Nanjing Rd',
  a_city: 'Shanghai',
  a_region: 'SH',
  a_postalCode: '200001',
  a_country: 'CN',
};

export interface PaidOrder {
  id: string;
  tradeNo: string;
  key: string;
  /** The order page's path with its key. */
  link: string;
  total: number;
}

/** A guest (or the browser's signed-in buyer) buys, pays, and the notice lands. */
export async function paidOrder(
  cloud: ShopCloud,
  base: string,
  b: Browser,
  items: { productId: string; qty: string }[],
  fields: Record<string, string> = {},
): Promise<PaidOrder> {
  for (const i of items) expect((await b.post(`${base}/cart/add`, i)).status).toBe(303);
  const form = await (await b.get(`${base}/checkout`)).text();
  const res = await b.post(`${base}/checkout`, {
    idem: hidden(form, 'idem'),
    name: 'Li Lei',
    email: 'li@example.com',
    method: 'standard',
    ...address,
    ...fields,
  });
  expect(res.status).toBe(303);
  const gateway = res.headers.get('location')!;
  expect((await b.get(gateway)).status).toBe(200);
  const tradeNo = (JSON.parse(new URL(gateway).searchParams.get('biz_content')!) as { out_trade_no: string }).out_trade_no;
  await cloud.alipay.customerPays(tradeNo);
  const link = cloud.alipay.trades.get(tradeNo)!.returnUrl!.replace(cloud.url, '');
  const key = new URL(link, cloud.url).searchParams.get('key')!;
  const [row] = await rowsOf<{ id: string; state: string; total: string | number }>(
    cloud.deps.db,
    sql`SELECT id, state, total FROM shop_orders WHERE shop_number = ${tradeNo}`,
  );
  expect(row!.state).toBe('paid');
  return { id: row!.id, tradeNo, key, link, total: Number(row!.total) };
}

export async function refundRows(cloud: ShopCloud, orderId: string) {
  return rowsOf<{ id: string; state: string; amount: string | number; cause: string; message: string | null; attempts: number }>(
    cloud.deps.db,
    sql`SELECT id, state, amount, cause, message, attempts FROM shop_refunds WHERE order_id = ${orderId} ORDER BY created_at`,
  );
}
