import { create } from 'zustand';
import type { ApiError } from '../../shared/errors';

/** What the banner shows; the text is produced at render time so it follows the UI language. */
export type Notice =
  | { id: number; tone: 'error'; error: ApiError; context?: ErrorContext }
  | { id: number; tone: 'info' | 'error'; messageKey: string; params?: Record<string, string | number> };

/** Extra facts that make an error message precise ("Unknown barcode 123…"). */
export type ErrorContext = { kind: 'scan'; code: string } | { kind: 'print' } | { kind: 'signIn' };

interface NotifyState {
  notice: Notice | null;
  error(error: ApiError, context?: ErrorContext): void;
  message(tone: 'info' | 'error', messageKey: string, params?: Record<string, string | number>): void;
  dismiss(id?: number): void;
}

let nextId = 1;
let timer: ReturnType<typeof setTimeout> | null = null;

function autoDismiss(id: number, ms: number, dismiss: (id: number) => void): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => dismiss(id), ms);
}

export const useNotify = create<NotifyState>((set, get) => ({
  notice: null,
  error(error, context) {
    const id = nextId++;
    set({ notice: context ? { id, tone: 'error', error, context } : { id, tone: 'error', error } });
    autoDismiss(id, 8000, get().dismiss);
  },
  message(tone, messageKey, params) {
    const id = nextId++;
    set({ notice: params ? { id, tone, messageKey, params } : { id, tone, messageKey } });
    autoDismiss(id, tone === 'error' ? 8000 : 4000, get().dismiss);
  },
  dismiss(id) {
    const current = get().notice;
    if (current && (id === undefined || current.id === id)) set({ notice: null });
  },
}));
