import type { storedValueContract } from '../../shared/api/stored-value';
import { staffOf, type HandlersFor } from '../router';
import { recordAudit } from '../audit/audit';
import { cardView, readCardSettings, requireCard, writeCardSettings } from './ledger';
import { expireCards, issueCards, registerCard, reissueCard, setCardBlocked, topUpCard, transferBetweenCards } from './operations';
import { liabilityReport } from './reports';

export const storedValueHandlers: HandlersFor<typeof storedValueContract> = {
  'cards.lookup': (input, { deps }) => cardView(deps, requireCard(deps, input.number)),
  'cards.issue': (input, ctx) => issueCards(ctx.deps, staffOf(ctx).id, input),
  'cards.topUp': (input, ctx) => topUpCard(ctx.deps, staffOf(ctx).id, input),
  'cards.register': (input, ctx) => registerCard(ctx.deps, staffOf(ctx).id, input),
  'cards.transfer': (input, ctx) => transferBetweenCards(ctx.deps, staffOf(ctx).id, input),
  'cards.reissue': (input, ctx) => reissueCard(ctx.deps, staffOf(ctx).id, input),
  'cards.setBlocked': (input, ctx) => setCardBlocked(ctx.deps, staffOf(ctx).id, input),
  'cards.expire': (_i, ctx) => expireCards(ctx.deps, staffOf(ctx).id),
  'cards.settings': (_i, { deps }) => readCardSettings(deps),
  'cards.setSettings': (input, ctx) => {
    const before = readCardSettings(ctx.deps);
    const after = writeCardSettings(ctx.deps, input);
    recordAudit(ctx.deps, {
      staffId: staffOf(ctx).id,
      action: 'card.settings',
      details: {
        from: { bonusRules: before.bonusRules, expiryMonths: before.expiryMonths, cnRules: before.cnRules },
        to: input,
      },
      success: true,
    });
    return after;
  },
  'cards.liability': (_i, { deps }) => liabilityReport(deps),
};
