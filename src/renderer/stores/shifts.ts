import { create } from 'zustand';
import type { CountInput, ShiftReport, ShiftState } from '../../shared/api/shifts';
import { invoke } from '../api';
import { useNotify } from './notify';

interface ShiftsStore {
  state: ShiftState | null;
  /** The open-shift dialog, shown from the checkout when a sale needs a shift. */
  prompting: boolean;
  load(): Promise<ShiftState | null>;
  prompt(): void;
  dismissPrompt(): void;
  open(counts: CountInput): Promise<ShiftReport | null>;
  /** Refreshes the state after a change made elsewhere (a close, a cash movement). */
  set(state: Partial<ShiftState>): void;
}

export const useShifts = create<ShiftsStore>((set, get) => ({
  state: null,
  prompting: false,
  async load() {
    const r = await invoke('shifts.current', {});
    if (r.ok) {
      set({ state: r.value });
      return r.value;
    }
    useNotify.getState().error(r.error);
    return null;
  },
  prompt() {
    set({ prompting: true });
  },
  dismissPrompt() {
    set({ prompting: false });
  },
  async open(counts) {
    const r = await invoke('shifts.open', { counts });
    if (!r.ok) {
      useNotify.getState().error(r.error);
      await get().load();
      return null;
    }
    set((s) => ({ prompting: false, state: s.state ? { ...s.state, shift: r.value.shift } : s.state }));
    await get().load();
    return r.value;
  },
  set(patch) {
    set((s) => ({ state: s.state ? { ...s.state, ...patch } : s.state }));
  },
}));

/** Counts entered per denomination → the API's list (empty rows dropped). */
export function countsList(pieces: Record<number, string>): CountInput {
  return Object.entries(pieces)
    .map(([value, text]) => ({ value: Number(value), pieces: Number(text || '0') }))
    .filter((c) => Number.isInteger(c.pieces) && c.pieces > 0);
}

export function countsTotal(pieces: Record<number, string>): number {
  return countsList(pieces).reduce((s, c) => s + c.value * c.pieces, 0);
}
