/**
 * The online shop seen from the till: the funnel and searches come from the cloud (the shop's
 * events live there), asked as this terminal for its own store; the split of sales between the
 * counter and the shop is read here, from the rollups and the online orders.
 */
import { z } from 'zod';
import type { ChannelSales, OnlineFunnel } from '../../shared/api/insight';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { cloudError } from '../sync/cloud';
import { syncRuntime } from '../sync/runtime';
import { cloudLink } from '../sync/state';
import { keyedTotals, parseRange, totalsOf } from './queries';
import { DIM, ensureChannelRollups, ONLINE } from './rollups';

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

/**
 * The rollups keep the online shop's sales as a dimension of their own (one key), so the split
 * reads a few dozen rows whatever the store's size; the counter is the total minus the shop.
 */
export function channelSales(
  deps: Pick<Deps, 'sqlite' | 'db' | 'terminalCode' | 'settingsCache' | 'insight'>,
  input: { from: string; to: string },
): ChannelSales[] {
  const r = parseRange(input);
  ensureChannelRollups(deps);
  const all = totalsOf(deps, r);
  const online = keyedTotals(deps, DIM.channel, r).find((m) => m.ref === ONLINE) ?? { orders: 0, sales: 0 };
  return [
    { channel: 'counter', orders: all.orders - online.orders, sales: all.sales - online.sales },
    { channel: 'online', orders: online.orders, sales: online.sales },
  ];
}
