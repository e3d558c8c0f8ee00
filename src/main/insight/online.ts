/**
 * The online shop seen from the till: the funnel and searches come from the cloud (the shop's
 * events live there), asked as this terminal for its own store; the split of sales between the
 * counter and the shop is read here, from the rollups and the online orders.
 */
import { z } from 'zod';
import type { ChannelSales, OnlineFunnel } from '../../shared/api/insight';
import { cachedStatement } from '../db/statements';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { cloudError } from '../sync/cloud';
import { syncRuntime } from '../sync/runtime';
import { cloudLink } from '../sync/state';
import { instantsOf, parseRange, totalsOf } from './queries';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const step = z.object({ events: count, visits: count }).strict();
const text = z.string().max(200);
/** What crosses from the cloud is checked like anything else from the wire. */
const funnelShape = z
  .object({
    from: z.string().max(10),
    to: z.string().max(10),
    visits: count,
    productViews: step,
    carts: step,
    checkouts: step,
    paid: count,
    topSearches: z.array(z.object({ query: text, searches: count, empty: count }).strict()).max(100),
    noResults: z.array(z.object({ query: text, searches: count, lastAt: count }).strict()).max(100),
  })
  .strict();

export async function onlineFunnel(deps: Deps, input: { from: string; to: string }): Promise<OnlineFunnel> {
  parseRange(input);
  const link = cloudLink(deps.sqlite);
  if (!link)
    throw new AppError('CONFLICT', 'This store has no cloud, so it has no online shop', {
      messageKey: 'dashboard.online.noCloud',
      reason: 'noCloud',
    });
  const client = syncRuntime(deps).engine.client(link);
  if (!client) throw new AppError('CONFLICT', 'This terminal must join its organisation again', { messageKey: 'sync.err.rejoin' });
  let answer: unknown;
  try {
    answer = await client.shopInsight({ storeId: link.storeId, from: input.from, to: input.to });
  } catch (err) {
    const e = cloudError(err);
    if (e.code === 'IO') throw new AppError('IO', e.message, { messageKey: 'dashboard.online.offline', reason: 'offline' });
    throw e;
  }
  const parsed = funnelShape.safeParse(answer);
  if (!parsed.success)
    throw new AppError('IO', 'The cloud answered something other than the shop’s figures', { messageKey: 'sync.err.notACloud' });
  return parsed.data;
}

// Online orders are few beside the counter's: a partial index on them (orders_online_idx) keeps
// this read small whatever the store's size, and the counter is the rollups' total minus them.
const ONLINE_SQL = `SELECT COUNT(*) AS orders, COALESCE(SUM((SELECT SUM(l.total) FROM order_lines l WHERE l.order_id = o.id)), 0) AS sales
  FROM orders o WHERE o.source = 'online' AND o.created_at >= ? AND o.created_at < ?`;

export function channelSales(
  deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache' | 'insight'>,
  input: { from: string; to: string },
): ChannelSales[] {
  const r = parseRange(input);
  const all = totalsOf(deps, r);
  const { start, end } = instantsOf(deps, r);
  const online = cachedStatement(deps.sqlite, ONLINE_SQL).get(start, end) as { orders: number; sales: number };
  return [
    { channel: 'counter', orders: all.orders - online.orders, sales: all.sales - online.sales },
    { channel: 'online', orders: online.orders, sales: online.sales },
  ];
}
