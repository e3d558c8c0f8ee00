import { create } from 'zustand';
import type { SyncStatus } from '../../shared/api/sync';
import type { ApiError } from '../../shared/errors';
import { invoke } from '../api';

interface SyncState {
  status: SyncStatus | null;
  busy: boolean;
  /** Reads the status (cheap: local only). */
  refresh(): Promise<void>;
  /** Runs a sync cycle now; answers the error, if any. */
  syncNow(): Promise<ApiError | null>;
  set(status: SyncStatus): void;
}

export const useSync = create<SyncState>((set) => ({
  status: null,
  busy: false,
  async refresh() {
    const r = await invoke('sync.status', {});
    if (r.ok) set({ status: r.value });
  },
  async syncNow() {
    set({ busy: true });
    const r = await invoke('sync.now', {});
    set({ busy: false });
    if (!r.ok) return r.error;
    set({ status: r.value });
    return null;
  },
  set(status) {
    set({ status });
  },
}));
