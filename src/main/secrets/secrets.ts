/**
 * Secrets kept outside the database file: the cloud device token, the journal key, payment keys.
 *
 * A backup or an export is a copy of the database file, so nothing in it can authenticate to the
 * cloud or re-sign the journal. The desktop app seals the file with Electron's safeStorage (the OS
 * keychain); the headless host keeps it in a file only its user may read. A store restored on
 * another machine finds no secrets there and must enrol again.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
}

/** How the file's bytes are sealed; identity for the headless host's user-only file. */
export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

export const SECRETS_FILE = 'secrets.key';

export const plainSealer: Sealer = {
  seal: (plain) => Buffer.from(plain, 'utf8'),
  open: (sealed) => sealed.toString('utf8'),
};

export function memorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const map = new Map(Object.entries(initial));
  return {
    get: (name) => map.get(name) ?? null,
    set: (name, value) => void map.set(name, value),
    delete: (name) => void map.delete(name),
  };
}

/**
 * A JSON map in one file (mode 0600), rewritten whole and renamed into place so a crash leaves
 * the old or the new file, never half of one. An unreadable file counts as empty: the till then
 * asks to enrol again rather than failing to start.
 */
export function fileSecretStore(file: string, sealer: Sealer = plainSealer): SecretStore {
  let cache: Record<string, string> | null = null;
  const load = (): Record<string, string> => {
    if (cache) return cache;
    cache = {};
    if (existsSync(file)) {
      try {
        const parsed: unknown = JSON.parse(sealer.open(readFileSync(file)));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') cache[k] = v;
      } catch {
        cache = {};
      }
    }
    return cache;
  };
  const save = (): void => {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, sealer.seal(JSON.stringify(load())), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  };
  return {
    get: (name) => load()[name] ?? null,
    set(name, value) {
      load()[name] = value;
      save();
    },
    delete(name) {
      if (!(name in load())) return;
      delete load()[name];
      save();
    },
  };
}

export function secretsFileIn(dataDir: string): string {
  return join(dataDir, SECRETS_FILE);
}
