// The desktop app's secrets file sealed with safeStorage (a fake keychain here): the token never
// sits in the file in plain text, and a file the keychain cannot open reads as empty (join again).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeStorageSealer, type SafeStorageLike } from '../../../src/main/electron/sealer';
import { fileSecretStore } from '../../../src/main/secrets/secrets';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'ct-sealer-'));
  dirs.push(d);
  return join(d, 'secrets.key');
}

const keychain = (available: boolean): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
});

describe('safeStorage sealer', () => {
  it('seals the file; it opens again through the keychain', () => {
    const f = file();
    const warnings: string[] = [];
    fileSecretStore(
      f,
      safeStorageSealer(keychain(true), (m) => warnings.push(m)),
    ).set('cloudToken:d1', 'ctd_SECRET');
    expect(readFileSync(f).includes(Buffer.from('ctd_SECRET'))).toBe(false);
    expect(fileSecretStore(f, safeStorageSealer(keychain(true))).get('cloudToken:d1')).toBe('ctd_SECRET');
    expect(warnings).toEqual([]);
    if (process.platform !== 'win32') expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('without OS encryption: a warning, and a plain file readable only by its user', () => {
    const f = file();
    const warnings: string[] = [];
    fileSecretStore(
      f,
      safeStorageSealer(keychain(false), (m) => warnings.push(m)),
    ).set('k', 'v');
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ k: 'v' });
    if (process.platform !== 'win32') expect(statSync(f).mode & 0o777).toBe(0o600);
    // Encryption available later: the plain file still opens (and is sealed on the next write).
    expect(fileSecretStore(f, safeStorageSealer(keychain(true))).get('k')).toBe('v');
  });

  it('a sealed file this session cannot open reads as empty instead of failing', () => {
    const f = file();
    fileSecretStore(f, safeStorageSealer(keychain(true))).set('k', 'v');
    expect(
      fileSecretStore(
        f,
        safeStorageSealer(keychain(false), () => undefined),
      ).get('k'),
    ).toBeNull();
    writeFileSync(f, 'not json');
    expect(fileSecretStore(f, safeStorageSealer(keychain(true))).get('k')).toBeNull();
  });
});
