import { useNotify } from '../../stores/notify';

const KEY = 'countertop.pendingNotice';

/** Reloads the renderer (after a restore the store, the sessions and every screen are new) and shows `messageKey` after. */
export function reloadWithNotice(messageKey: string | null): void {
  try {
    if (messageKey) sessionStorage.setItem(KEY, messageKey);
  } catch {
    // no storage: the reload still happens
  }
  window.location.reload();
}

/** Shows the notice a reload asked for (called once at start-up). */
export function showPendingNotice(): void {
  try {
    const key = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (key) useNotify.getState().message('info', key);
  } catch {
    // no storage, no notice
  }
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(v)} ${units[u]}`;
}
