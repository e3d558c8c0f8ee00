/**
 * The sandboxed preload: the renderer's only door to main. It exposes exactly
 * `window.countertop = { invoke(channel, input), on(event, cb) }` and never ipcRenderer itself.
 * Built as one CommonJS file (sandboxed preloads can require nothing but 'electron').
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Result } from '../shared/errors';
import { EVENT_CHANNEL, INVOKE_CHANNEL, isValidChannelName, isValidEventName } from '../main/electron/ipc-protocol';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  const set = listeners.get(name);
  if (!set) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`countertop: listener for ${name} failed`, err);
    }
  }
});

const bridge = {
  /** Calls a contract channel; always resolves with the result envelope, never rejects for bad input. */
  invoke(channel: unknown, input?: unknown): Promise<Result<unknown>> {
    if (!isValidChannelName(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'VALIDATION', message: 'channel must be a contract channel name' } });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, channel, input) as Promise<Result<unknown>>;
  },
  /** Subscribes to a main-process event; returns the unsubscribe function. The callback gets the payload only. */
  on(event: unknown, callback: unknown): () => void {
    if (!isValidEventName(event)) throw new TypeError('event must be an event name');
    if (typeof callback !== 'function') throw new TypeError('callback must be a function');
    const listener = callback as Listener;
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) listeners.delete(event);
    };
  },
};

contextBridge.exposeInMainWorld('countertop', Object.freeze(bridge));
