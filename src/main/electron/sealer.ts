/**
 * The desktop app's secrets file, sealed by Electron's safeStorage (the OS keychain: Keychain,
 * DPAPI, libsecret/kwallet), so the file alone, copied off the disk, opens nowhere else. Where
 * the OS offers no encryption the file stays plain but readable only by its user, and says so.
 */
import { plainSealer, type Sealer } from '../secrets/secrets';

/** The part of Electron's safeStorage used here (passed in, so this is testable without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/** Marks a sealed file, so a plain file written while encryption was unavailable still opens. */
const MAGIC = Buffer.from('ctsealed1\n', 'utf8');

export function safeStorageSealer(safe: SafeStorageLike, warn: (message: string) => void = console.warn): Sealer {
  const available = safe.isEncryptionAvailable();
  if (!available)
    warn('[countertop] the OS offers no encryption for secrets (safeStorage): the secrets file is kept readable only by this user');
  return {
    seal: (plain) => (available ? Buffer.concat([MAGIC, safe.encryptString(plain)]) : plainSealer.seal(plain)),
    open(sealed) {
      if (!sealed.subarray(0, MAGIC.length).equals(MAGIC)) return plainSealer.open(sealed);
      // Sealed by a keychain this session cannot use: the store reads as empty and the till asks to join again.
      if (!available) throw new Error('The secrets file is sealed, and the OS offers no encryption now');
      return safe.decryptString(sealed.subarray(MAGIC.length));
    },
  };
}
