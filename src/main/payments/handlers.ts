import type { cardIntentsContract, paymentsContract, ProviderStatus, TradeMethod } from '../../shared/api/payments';
import type { HandlersFor } from '../router';
import { staffOf } from '../router';
import { inTransaction } from '../db/open';
import { recordAudit } from '../audit/audit';
import { configView, PROVIDERS, requireGateway, saveConfig } from './config';
import { reconciliation } from './reconciler';
import { noticeKeySender, publishNoticeKey } from './cloud-notices';
import { syncRuntime } from '../sync/runtime';
import { tradeRefunds as refundsOfTrade } from './trades';
import { getTrade, isUnreachable, listTrades, providerForCode, queryTradeNow, startTrade } from './trades';
import { cancelTrade } from './cancel-trade';
import { cancelCardPayment, getIntent, startCardPayment } from './intents';

const METHODS: Record<string, TradeMethod[]> = { alipay: ['code', 'qr'], wechat: ['code', 'qr'], stripe: ['terminal'] };

export const paymentsHandlers: HandlersFor<typeof paymentsContract> = {
  'payments.providers': (_input, { deps }) => {
    const out: ProviderStatus[] = [];
    for (const p of PROVIDERS) {
      const gw = deps.gateways(p);
      if (!gw) continue;
      const methods = (METHODS[p] ?? []).filter((m) => m !== 'terminal' || typeof gw.startTerminal === 'function');
      out.push({ provider: p, mode: gw.mode, methods, reachable: !isUnreachable(deps, p) });
    }
    return out;
  },
  'payments.payByCode': (input, ctx) =>
    startTrade(ctx.deps, staffOf(ctx), {
      cartId: input.cartId,
      amount: input.amount,
      provider: providerForCode(input.code),
      method: 'code',
      code: input.code,
    }),
  'payments.showQr': (input, ctx) =>
    startTrade(ctx.deps, staffOf(ctx), { cartId: input.cartId, amount: input.amount, provider: input.provider, method: 'qr' }),
  'payments.startTerminal': (input, ctx) =>
    startTrade(ctx.deps, staffOf(ctx), { cartId: input.cartId, amount: input.amount, provider: 'stripe', method: 'terminal' }),
  'payments.trade': (input, { deps }) => getTrade(deps, input.id),
  'payments.cancelTrade': (input, ctx) => cancelTrade(ctx.deps, staffOf(ctx), input.id),
  'payments.queryTrade': (input, { deps }) => queryTradeNow(deps, input.id),
  'payments.findTrades': (input, { deps }) => listTrades(deps, input),
  'payments.refunds': (input, { deps }) => refundsOfTrade(deps, input.tradeId),
  'payments.reconciliation': (_input, { deps }) => reconciliation(deps),
  'payments.config': (_input, { deps }) => configView(deps),
  'payments.saveConfig': async (input, ctx) => {
    // A provider set to training is usable once this answers: its fake is up.
    if (input.enabled && input.mode === 'training') await ctx.deps.trades.prepareTraining(input.provider);
    const staff = staffOf(ctx);
    saveConfig(ctx.deps, staff, input);
    // A linked till's cloud verifies the provider's notifications with what was just saved.
    const rt = syncRuntime(ctx.deps);
    await publishNoticeKey(ctx.deps, staff, input.provider, noticeKeySender(ctx.deps, rt.engine, rt.sessions, ctx.sessionKey, staff));
    return configView(ctx.deps);
  },
  'payments.testConnection': async (input, ctx) => {
    const gw = requireGateway(ctx.deps, input.provider);
    let res: Awaited<ReturnType<typeof gw.testConnection>>;
    try {
      res = await gw.testConnection();
    } catch (err) {
      res = { ok: false, code: 'ERROR', message: err instanceof Error ? err.name : 'error' };
    }
    inTransaction(ctx.deps.sqlite, () =>
      recordAudit(ctx.deps, {
        staffId: staffOf(ctx).id,
        action: 'payments.testConnection',
        target: input.provider,
        details: res.ok ? null : { code: res.code },
        success: res.ok,
      }),
    );
    return res;
  },
};

/** The integrated card terminal's payment intents. */
export const cardIntentsHandlers: HandlersFor<typeof cardIntentsContract> = {
  'payments.startCard': (input, { deps }) => startCardPayment(deps, input.cartId, input.amount),
  'payments.intent': (input, { deps }) => getIntent(deps, input.id),
  'payments.cancelCard': (input, ctx) => cancelCardPayment(ctx.deps, staffOf(ctx), input.id),
};
