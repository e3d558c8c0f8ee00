import { create } from 'zustand';
import type { CardIntent, Cart, Order } from '../../shared/api';
import type { TenderRequest } from '../../shared/api/sales';
import type { ApiError } from '../../shared/errors';
import { uuidv7 } from '../../shared/ids';
import { settle, type TenderKind } from '../../shared/pricing';
import { invoke, subscribe } from '../api';

export interface TenderDraft {
  key: string;
  kind: TenderKind;
  /** What counts toward the total; for cash, the amount the customer handed over. */
  amount: number;
  brand: string | null;
  last4: string | null;
  intentId: string | null;
}

interface PaymentState {
  open: boolean;
  cartId: string | null;
  /** Made once per cart when payment starts and reused on every retry: a sale is never made twice. */
  checkoutId: string | null;
  total: number;
  currency: string;
  tenders: TenderDraft[];
  completing: boolean;
  error: ApiError | null;
  intent: CardIntent | null;
  startingCard: boolean;
  openFor(cart: Cart): void;
  close(): Promise<void>;
  addTender(t: Omit<TenderDraft, 'key'>): void;
  removeTender(key: string): void;
  clearError(): void;
  /** Completes the sale with the tenders so far plus `extraCash` (the cash field). */
  complete(extraCash?: number): Promise<Order | null>;
  startCard(amount: number): Promise<void>;
  cancelCard(): Promise<void>;
  intentUpdate(intent: CardIntent): void;
  /** After a completed sale. */
  finished(): void;
}

let keySeq = 0;
let pollTimer: ReturnType<typeof setInterval> | null = null;
let unsubscribe: (() => void) | null = null;

function stopWatching(): void {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
  unsubscribe?.();
  unsubscribe = null;
}

export function toRequest(tenders: TenderDraft[]): TenderRequest[] {
  const cash = tenders.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amount, 0);
  const out: TenderRequest[] = [];
  for (const t of tenders) {
    if (t.kind === 'card_external') {
      out.push({ kind: 'card_external', amount: t.amount, approved: true, brand: t.brand, last4: t.last4 });
    } else if (t.kind === 'card_integrated' && t.intentId) {
      out.push({ kind: 'card_integrated', intentId: t.intentId });
    } else if (t.kind === 'store_credit') {
      out.push({ kind: 'store_credit', amount: t.amount });
    }
  }
  if (cash > 0 || out.length === 0) out.push({ kind: 'cash', amount: cash });
  return out;
}

export function summary(total: number, tenders: TenderDraft[], extraCash = 0) {
  const all = extraCash > 0 ? [...tenders, { kind: 'cash' as const, amount: extraCash }] : tenders;
  return settle(
    total,
    all.map((t) => ({ kind: t.kind, amount: t.amount })),
  );
}

export const usePayment = create<PaymentState>((set, get) => ({
  open: false,
  cartId: null,
  checkoutId: null,
  total: 0,
  currency: 'USD',
  tenders: [],
  completing: false,
  error: null,
  intent: null,
  startingCard: false,

  openFor(cart) {
    const s = get();
    if (s.cartId === cart.id && s.checkoutId) {
      // Same cart as before (dialog closed and reopened): keep the checkout id and tenders.
      set({ open: true, total: cart.priced.total, currency: cart.currency, error: null });
      return;
    }
    stopWatching();
    set({
      open: true,
      cartId: cart.id,
      checkoutId: uuidv7(),
      total: cart.priced.total,
      currency: cart.currency,
      tenders: [],
      completing: false,
      error: null,
      intent: null,
      startingCard: false,
    });
  },

  async close() {
    if (get().completing) return;
    if (get().intent?.status === 'pending') await get().cancelCard();
    set({ open: false, error: null });
  },

  addTender(t) {
    set((s) => ({ tenders: [...s.tenders, { ...t, key: `t${++keySeq}` }], error: null }));
  },

  removeTender(key) {
    set((s) => ({ tenders: s.tenders.filter((t) => t.key !== key || t.kind === 'card_integrated') }));
  },

  clearError() {
    set({ error: null });
  },

  async complete(extraCash = 0) {
    const s = get();
    if (s.completing || !s.cartId || !s.checkoutId) return null;
    const tenders =
      extraCash > 0
        ? [...s.tenders, { key: `t${++keySeq}`, kind: 'cash' as const, amount: extraCash, brand: null, last4: null, intentId: null }]
        : s.tenders;
    set({ completing: true, error: null });
    const r = await invoke('sales.complete', {
      cartId: s.cartId,
      checkoutId: s.checkoutId,
      tenders: toRequest(tenders),
    });
    if (r.ok) {
      set({ completing: false });
      return r.value;
    }
    set({ completing: false, error: r.error });
    return null;
  },

  async startCard(amount) {
    const { cartId } = get();
    if (!cartId || get().startingCard) return;
    set({ startingCard: true, error: null });
    const r = await invoke('payments.startCard', { cartId, amount });
    set({ startingCard: false });
    if (!r.ok) {
      set({ error: r.error });
      return;
    }
    set({ intent: r.value });
    stopWatching();
    const id = r.value.id;
    unsubscribe = subscribe('payments.intent', (intent) => {
      if (intent.id === id) get().intentUpdate(intent);
    });
    pollTimer = setInterval(() => {
      void invoke('payments.intent', { id }).then((p) => {
        if (p.ok) get().intentUpdate(p.value);
      });
    }, 500);
    get().intentUpdate(r.value);
  },

  async cancelCard() {
    const intent = get().intent;
    if (!intent || intent.status !== 'pending') return;
    const r = await invoke('payments.cancelCard', { id: intent.id });
    if (r.ok) get().intentUpdate(r.value);
    else set({ error: r.error });
  },

  intentUpdate(intent) {
    const current = get().intent;
    if (!current || current.id !== intent.id) return;
    // Never step back from a final answer to "pending" (a late poll).
    if (current.status !== 'pending' && intent.status === 'pending') return;
    set({ intent });
    if (intent.status === 'pending') return;
    stopWatching();
    if (intent.status === 'approved' && !get().tenders.some((t) => t.intentId === intent.id)) {
      get().addTender({
        kind: 'card_integrated',
        amount: intent.amount,
        brand: intent.brand,
        last4: intent.last4,
        intentId: intent.id,
      });
    }
  },

  finished() {
    stopWatching();
    set({
      open: false,
      cartId: null,
      checkoutId: null,
      tenders: [],
      completing: false,
      error: null,
      intent: null,
    });
  },
}));
