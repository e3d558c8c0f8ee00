import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../../src/shared/errors';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'src', 'main', 'host', 'cli.ts');

/** The headless host as a child process, driven over its HTTP API like the renderer does. */
export interface HostProcess {
  pid: number;
  base: string;
  token: string;
  output(): string;
  /** Resolves when the process has exited (with its exit code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  session(): Promise<HostSession>;
}

export interface HostSession {
  id: string;
  call<T = unknown>(channel: string, input: unknown): Promise<Result<T>>;
}

/** Every host started here and still running: killed by `killAllHosts` (a test that timed out, a failed run). */
const live = new Set<ChildProcess>();

export function killAllHosts(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export function startHostProcess(dataDir: string, extra: string[] = []): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, '--data', dataDir, '--port', '0', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      r({ code, signal });
    }),
  );
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host did not start within 60 s:\n${out}`));
    }, 60_000);
    const onData = () => {
      const m = out.match(/Open: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=(\S+)/);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      const base = m[1]!;
      const token = m[3]!;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      resolvePromise({
        pid: child.pid!,
        base,
        token,
        output: () => out,
        exited,
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
        async session() {
          const res = await fetch(`${base}/api/session`, { method: 'POST', headers });
          const { sessionId } = (await res.json()) as { sessionId: string };
          return {
            id: sessionId,
            async call<T>(channel: string, input: unknown): Promise<Result<T>> {
              const r = await fetch(`${base}/api/invoke`, {
                method: 'POST',
                headers: { ...headers, 'x-session': sessionId },
                body: JSON.stringify({ channel, input }),
              });
              return (await r.json()) as Result<T>;
            },
          };
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}
