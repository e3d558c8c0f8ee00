import { create } from 'zustand';
import type { CartExtras } from '../../shared/api';
import { invoke } from '../api';
import { useNotify } from './notify';

interface AfterState {
  /** An order to open when the orders screen shows (a scanned receipt, a link from a customer). */
  orderToOpen: string | null;
  /** An order whose return dialog opens with it (a Return from a reopened receipt). */
  returnOrder: string | null;
  /** An order to ship when the shipping screen opens. */
  shipOrder: string | null;
  /** Customer and fulfilment of the open sale. */
  extras: CartExtras | null;
  parkedCount: number;
  openOrder(id: string | null): void;
  /** Opens the order on the orders screen with its return dialog showing. */
  returnOrderNext(id: string): void;
  /** True once for the order that should open its return dialog. */
  takeReturn(id: string): boolean;
  shipOrderNext(id: string | null): void;
  loadExtras(): Promise<void>;
  setExtras(extras: CartExtras): void;
  loadParkedCount(): Promise<void>;
}

export const useAfter = create<AfterState>((set, get) => ({
  orderToOpen: null,
  returnOrder: null,
  shipOrder: null,
  extras: null,
  parkedCount: 0,
  openOrder(id) {
    set({ orderToOpen: id });
  },
  returnOrderNext(id) {
    set({ orderToOpen: id, returnOrder: id });
  },
  takeReturn(id) {
    if (get().returnOrder !== id) return false;
    set({ returnOrder: null });
    return true;
  },
  shipOrderNext(id) {
    set({ shipOrder: id });
  },
  async loadExtras() {
    const r = await invoke('cart.extras', {});
    if (r.ok) set({ extras: r.value });
    else useNotify.getState().error(r.error);
  },
  setExtras(extras) {
    set({ extras });
  },
  async loadParkedCount() {
    const r = await invoke('parked.list', {});
    if (r.ok) set({ parkedCount: r.value.length });
  },
}));
