/** The bridge the preload exposes as `window.countertop` (see src/preload/index.ts). */
import type { Result } from '../shared/errors';

export interface CountertopBridge {
  /** Calls a contract channel; resolves with the result envelope (never rejects for bad input). */
  invoke(channel: string, input?: unknown): Promise<Result<unknown>>;
  /** Subscribes to a main-process event (`payments.intent`, `session.expired`, ...); returns unsubscribe. */
  on(event: string, callback: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    /** Present in the Electron app; absent in a browser on the headless host. */
    countertop?: CountertopBridge;
  }
}
