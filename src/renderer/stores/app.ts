import { create } from 'zustand';
import type { AppStatus, Language, SessionInfo, StoreSettings } from '../../shared/api';
import type { ApiError } from '../../shared/errors';
import { invoke, onAuthLost, onRecovery } from '../api';
import { applyLanguage, localLanguage, setLocalLanguage, startLanguage } from '../i18n';
import { useApproval } from './approval';
import { useCatalog } from './catalog';
import { usePayment } from './payment';
import { useReceipt } from './receipt';
import { canOpen, type ViewId } from '../views';
import { dropStaffList, prefetchStaffList } from '../features/signin/staff-list';

/** Locked: drop what the last person had open (the cart itself lives in main). */
function clearScreens(): void {
  useApproval.getState().close(null);
  void usePayment.getState().close();
  useReceipt.getState().close();
  useCatalog.getState().clearSearch();
}

/** Before sign-in: loading, setup, signin, unreachable, recovery (damaged database); after: one of the VIEWS. */
export type Screen = 'loading' | 'setup' | 'signin' | 'unreachable' | 'recovery' | ViewId;

interface AppState {
  screen: Screen;
  status: AppStatus | null;
  session: SessionInfo | null;
  settings: StoreSettings | null;
  /** Why the sign-in screen is shown, when it was not the clerk's own choice. */
  lockReason: 'idle' | 'expired' | null;
  bootError: ApiError | null;
  boot(): Promise<void>;
  setupDone(status: AppStatus): void;
  signedIn(session: SessionInfo): Promise<void>;
  /** Sign out (by the clerk, or after idle) and return to the sign-in screen. */
  lock(reason: 'idle' | 'manual'): Promise<void>;
  /** The server says the session is gone: show sign-in without calling it. */
  expired(): void;
  go(view: ViewId): void;
  loadSettings(): Promise<void>;
  settingsSaved(settings: StoreSettings): void;
  setLanguage(lang: Language): Promise<void>;
}

export const useApp = create<AppState>((set, get) => ({
  screen: 'loading',
  status: null,
  session: null,
  settings: null,
  lockReason: null,
  bootError: null,

  async boot() {
    set({ screen: 'loading', bootError: null });
    // The three first questions at once: one round trip before the first screen, not three.
    const statusAsked = invoke('app.status', {});
    const meAsked = invoke('session.me', {});
    prefetchStaffList();
    const status = await statusAsked;
    if (!status.ok) {
      set({ screen: 'unreachable', bootError: status.error });
      return;
    }
    set({ status: status.value });
    // In recovery the language is the latest backup's: the store is known, only its file is damaged.
    applyLanguage(startLanguage(status.value.setupDone || status.value.recovery !== undefined, status.value.language));
    if (status.value.recovery) {
      dropStaffList();
      set({ screen: 'recovery' });
      return;
    }
    if (!status.value.setupDone) {
      dropStaffList();
      set({ screen: 'setup' });
      return;
    }
    const me = await meAsked;
    if (me.ok && me.value.staff) {
      dropStaffList();
      await get().signedIn(me.value);
    } else {
      set({ screen: 'signin', session: me.ok ? me.value : null });
    }
  },

  setupDone(status) {
    set({ status, screen: 'signin', lockReason: null });
  },

  async signedIn(session) {
    set({ session, lockReason: null });
    await get().loadSettings();
    set({ screen: 'checkout' });
  },

  async lock(reason) {
    const wasSignedIn = get().session?.staff != null;
    clearScreens();
    set((s) => ({
      screen: s.status?.setupDone === false ? 'setup' : 'signin',
      session: s.session ? { ...s.session, staff: null } : null,
      lockReason: reason === 'idle' ? 'idle' : null,
    }));
    if (wasSignedIn) await invoke('staff.signOut', {});
  },

  expired() {
    const s = get();
    if (s.screen === 'setup' || s.screen === 'loading' || s.screen === 'unreachable' || s.screen === 'recovery') return;
    if (s.screen === 'signin') return;
    clearScreens();
    set({
      screen: 'signin',
      session: s.session ? { ...s.session, staff: null } : null,
      lockReason: 'expired',
    });
  },

  go(view) {
    if (!canOpen(view, get().session?.staff?.role)) return;
    set({ screen: view });
  },

  async loadSettings() {
    const r = await invoke('settings.get', {});
    if (r.ok) {
      set({ settings: r.value });
      if (!localLanguage()) applyLanguage(r.value.language);
    }
  },

  settingsSaved(settings) {
    set((s) => ({
      settings,
      status: s.status ? { ...s.status, storeName: settings.storeName, language: settings.language } : s.status,
      session: s.session ? { ...s.session, idleLockMs: settings.idleLockMinutes * 60_000 } : s.session,
    }));
  },

  async setLanguage(lang) {
    // The top-bar switch is this terminal's choice; the store's language (receipts) is in Settings.
    applyLanguage(lang);
    setLocalLanguage(lang);
    return Promise.resolve();
  },
}));

onAuthLost(() => useApp.getState().expired());
/** The database was found damaged while the app ran: start afresh, which lands on the recovery screen. */
export function showRecovery(): void {
  const { screen, boot } = useApp.getState();
  if (screen !== 'recovery' && screen !== 'loading') void boot();
}
onRecovery(showRecovery);
