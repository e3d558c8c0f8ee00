import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningHost {
  url: string;
  dataDir: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'countertop-e2e-'));
}

/** Starts the built host (`npm run web`'s out/host/cli.mjs, built by global-setup.ts) and waits for the printed URL. */
export function startHost(dataDir: string, extra: string[] = []): Promise<RunningHost> {
  return startCli(
    ['out/host/cli.mjs', '--data', dataDir, '--port', '0', ...extra],
    /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
    dataDir,
  );
}

/** Starts the sync cloud (`npm run cloud`, embedded PGlite in `dataDir`) on a fixed port, so it can be restarted at the same address. */
export function startCloud(dataDir: string, port: number): Promise<RunningHost> {
  return startCli(['src/cloud/cli.ts', '--data', dataDir, '--port', String(port)], /listening on (http:\/\/127\.0\.0\.1:\d+)/, dataDir, {
    CLOUD_SIGNUP_SECRET: E2E_SIGNUP_SECRET,
  });
}

/** The e2e cloud's sign-up secret (sign-up is closed on a cloud without one). */
export const E2E_SIGNUP_SECRET = 'e2e-signup-secret';

/** A port nothing listens on right now (for a cloud that must come back at the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function startCli(
  args: string[],
  ready: RegExp,
  dataDir: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<RunningHost> {
  // The cloud runs from its sources through tsx; the host is already JavaScript.
  const node = args[0]!.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...node, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${out}`)), timeoutMs);
    const onData = (buf: Buffer) => {
      out += buf.toString();
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          dataDir,
          stop: (signal = 'SIGTERM') =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              child.kill(signal);
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code}:\n${out}`));
    });
  });
}

/** The cloud taking shop orders, paid through a fake Alipay it starts (test/e2e/shop-cloud.ts). */
export function startShopCloud(dataDir: string, extra: string[] = []): Promise<RunningHost> {
  // A cold tsx start plus the migrations: slow on a loaded machine.
  return startCli(['test/e2e/shop-cloud.ts', dataDir, ...extra], /listening on (http:\/\/127\.0\.0\.1:\d+)/, dataDir, {}, 120_000);
}
