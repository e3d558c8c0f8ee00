import { create } from 'zustand';
import type { Order, ReceiptDoc } from '../../shared/api';
import type { ApiError } from '../../shared/errors';
import { invoke } from '../api';

interface ReceiptState {
  /** The order shown; null when no receipt is open. */
  orderId: string | null;
  order: Order | null;
  doc: ReceiptDoc | null;
  /** Just sold: show the change due prominently and "New sale". */
  justSold: boolean;
  loading: boolean;
  error: ApiError | null;
  printing: boolean;
  printed: boolean;
  printError: ApiError | null;
  show(order: Order, justSold: boolean): Promise<void>;
  showById(orderId: string): Promise<void>;
  printToPrinter(): Promise<void>;
  close(): void;
}

export const useReceipt = create<ReceiptState>((set, get) => ({
  orderId: null,
  order: null,
  doc: null,
  justSold: false,
  loading: false,
  error: null,
  printing: false,
  printed: false,
  printError: null,

  async show(order, justSold) {
    set({ orderId: order.id, order, doc: null, justSold, loading: true, error: null, printed: false, printError: null });
    const r = await invoke('receipts.get', { orderId: order.id });
    if (get().orderId !== order.id) return;
    if (r.ok) set({ doc: r.value, loading: false });
    else set({ loading: false, error: r.error });
  },

  async showById(orderId) {
    set({ orderId, order: null, doc: null, justSold: false, loading: true, error: null, printed: false, printError: null });
    const r = await invoke('receipts.get', { orderId });
    if (get().orderId !== orderId) return;
    if (r.ok) set({ doc: r.value, order: r.value.order, loading: false });
    else set({ loading: false, error: r.error });
  },

  async printToPrinter() {
    const { orderId, printing } = get();
    if (!orderId || printing) return;
    set({ printing: true, printError: null, printed: false });
    const r = await invoke('receipts.print', { orderId, kickDrawer: false });
    if (get().orderId !== orderId) return;
    if (r.ok) set({ printing: false, printed: true });
    else set({ printing: false, printError: r.error });
  },

  close() {
    set({ orderId: null, order: null, doc: null, justSold: false, loading: false, error: null, printError: null, printed: false });
  },
}));
