import { create } from 'zustand';
import type { Cart, CartLine } from '../../shared/api';
import type { Result } from '../../shared/errors';
import { priceCart, type Discount } from '../../shared/pricing';
import { invoke } from '../api';
import { withApproval, type ApprovalItem } from './approval';
import { useNotify } from './notify';
import { looksLikeCoupon } from '../../shared/coupons/code';

interface CartState {
  cart: Cart | null;
  /** Writes in flight, for a subtle busy hint. */
  pending: number;
  /** Id of the line that changed last, to scroll it into view and flash it. */
  lastLineId: string | null;
  load(): Promise<void>;
  scan(code: string): Promise<boolean>;
  addProduct(productId: string, qty?: number): Promise<boolean>;
  setQty(lineId: string, qty: number): Promise<void>;
  removeLine(lineId: string): Promise<void>;
  clear(): Promise<void>;
  setLineDiscount(lineId: string, discount: Discount | null): Promise<boolean>;
  setCartDiscount(discount: Discount | null): Promise<boolean>;
  overridePrice(lineId: string, unitPrice: number): Promise<boolean>;
  /** Puts a coupon code on the sale (also reached by scanning a coupon into the scan box). */
  applyCoupon(code: string): Promise<boolean>;
  removeCoupon(): Promise<boolean>;
  /** The cart after a completed sale (main has already started a new one). */
  reset(): Promise<void>;
}

/** Reprices a cart locally for instant display; the server's answer replaces it. */
function reprice(cart: Cart, lines: CartLine[]): Cart {
  const priced = priceCart({
    mode: cart.priceMode,
    cartDiscount: cart.cartDiscount,
    lines: lines.map((l) => ({
      id: l.id,
      unitPrice: l.unitPrice,
      qty: l.qty,
      taxRateBp: l.taxRateBp,
      discount: l.discount,
      fixedAmount: l.fixedAmount,
    })),
  });
  return { ...cart, lines, priced };
}

function changedLine(before: Cart | null, after: Cart): string | null {
  const old = new Map((before?.lines ?? []).map((l) => [l.id, l]));
  for (const l of after.lines) {
    const o = old.get(l.id);
    if (!o || o.qty !== l.qty) return l.id;
  }
  return null;
}

function itemOf(cart: Cart | null, lineId: string): ApprovalItem {
  const line = cart?.lines.find((l) => l.id === lineId);
  return { name: line?.name ?? '', altName: line?.altName ?? null };
}

let issued = 0;
let applied = 0;
/**
 * Cart writes go to main one after another, in the order the clerk made them (three fast scans
 * arrive as three requests; over HTTP they could otherwise overtake each other).
 */
let queue: Promise<unknown> = Promise.resolve();
function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

export const useCart = create<CartState>((set, get) => {
  /** Applies a server answer unless a newer answer is already shown. */
  function accept(seq: number, cart: Cart): void {
    if (seq < applied) return;
    applied = seq;
    const lastLineId = changedLine(get().cart, cart);
    set(lastLineId ? { cart, lastLineId } : { cart });
  }

  async function write(
    call: () => Promise<Result<Cart> | null>,
    optimistic?: (cart: Cart) => Cart,
    onError?: (r: Result<Cart> & { ok: false }) => boolean,
  ): Promise<boolean> {
    const seq = ++issued;
    const before = get().cart;
    if (optimistic && before) set({ cart: optimistic(before) });
    set((s) => ({ pending: s.pending + 1 }));
    try {
      const r = await enqueue(call);
      if (r === null) {
        if (optimistic) await get().load();
        return false;
      }
      if (r.ok) {
        accept(seq, r.value);
        // The last error (an unknown barcode, say) is history once the next action works.
        if (useNotify.getState().notice?.tone === 'error') useNotify.getState().dismiss();
        return true;
      }
      if (!onError?.(r)) useNotify.getState().error(r.error);
      // Whatever we showed may be wrong now: ask main for the truth.
      if (optimistic || r.error.code === 'CONFLICT') await get().load();
      return false;
    } finally {
      set((s) => ({ pending: s.pending - 1 }));
    }
  }

  return {
    cart: null,
    pending: 0,
    lastLineId: null,

    async load() {
      const seq = ++issued;
      const r = await invoke('cart.get', {});
      if (r.ok) accept(seq, r.value);
      else useNotify.getState().error(r.error);
    },

    scan(code) {
      return write(
        // A scanned coupon is not a product: when no product has the code and it reads as a coupon, it is applied as one.
        () =>
          invoke('cart.scan', { code }).then((r) =>
            !r.ok && r.error.code === 'NOT_FOUND' && looksLikeCoupon(code) ? invoke('coupons.apply', { code }) : r,
          ),
        undefined,
        (r) => {
          useNotify.getState().error(r.error, { kind: 'scan', code });
          return true;
        },
      );
    },

    addProduct(productId, qty) {
      return write(() => invoke('cart.addProduct', qty === undefined ? { productId } : { productId, qty }));
    },

    async setQty(lineId, qty) {
      // Fewer items can push an amount discount over the limit: main may then ask for a manager.
      const current = get().cart?.lines.find((l) => l.id === lineId);
      const growing = current !== undefined && qty > current.qty;
      await write(
        () =>
          withApproval('discount', (approval) => invoke('cart.setQty', { lineId, qty, approval }), {
            kind: 'qty',
            item: itemOf(get().cart, lineId),
            unit: current?.unit ?? 'each',
            from: current?.qty ?? 0,
            to: qty,
          }),
        growing
          ? (cart) =>
              reprice(
                cart,
                cart.lines.map((l) => (l.id === lineId ? { ...l, qty } : l)),
              )
          : undefined,
      );
    },

    async removeLine(lineId) {
      const item = itemOf(get().cart, lineId);
      await write(() =>
        withApproval('discount', (approval) => invoke('cart.removeLine', { lineId, approval }), { kind: 'removeLine', item }),
      );
    },

    async clear() {
      await write(() => invoke('cart.clear', {}));
    },

    setLineDiscount(lineId, discount) {
      const item = itemOf(get().cart, lineId);
      return write(() =>
        withApproval(
          'discount',
          (approval) => invoke('cart.setLineDiscount', { lineId, discount, approval }),
          discount ? { kind: 'lineDiscount', item, discount } : null,
        ),
      );
    },

    setCartDiscount(discount) {
      return write(() =>
        withApproval(
          'discount',
          (approval) => invoke('cart.setCartDiscount', { discount, approval }),
          discount ? { kind: 'cartDiscount', discount } : null,
        ),
      );
    },

    overridePrice(lineId, unitPrice) {
      const line = get().cart?.lines.find((l) => l.id === lineId);
      const subject = { kind: 'price' as const, item: itemOf(get().cart, lineId), from: line?.unitPrice ?? 0, to: unitPrice };
      return write(() => withApproval('price', (approval) => invoke('cart.overridePrice', { lineId, unitPrice, approval }), subject));
    },

    applyCoupon(code) {
      return write(() => invoke('coupons.apply', { code }));
    },

    removeCoupon() {
      return write(() => invoke('coupons.remove', {}));
    },

    async reset() {
      set({ lastLineId: null });
      await get().load();
    },
  };
});
