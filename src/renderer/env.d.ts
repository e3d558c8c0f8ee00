/// <reference types="vite/client" />

import type { Result } from '../shared/errors';

declare global {
  /**
   * What the preload script exposes on `window.countertop` (contextBridge). Only these two
   * functions cross the bridge; everything else is enforced in main.
   */
  interface CountertopBridge {
    invoke(channel: string, input: unknown): Promise<Result<unknown>>;
    on(event: string, cb: (payload: unknown) => void): () => void;
  }
}

export {};
