// The preload bridge against a fake contextBridge / ipcRenderer (vi.mock replaces 'electron').
import { describe, expect, it, vi } from 'vitest';

const exposed = new Map<string, unknown>();
const rendererListeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 1 }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => rendererListeners.set(channel, listener),
  },
}));

await import('../../../src/preload/index');
const { EVENT_CHANNEL, INVOKE_CHANNEL } = await import('../../../src/main/electron/ipc-protocol');

interface Bridge {
  invoke(channel: unknown, input?: unknown): Promise<unknown>;
  on(event: unknown, cb: unknown): () => void;
}
const bridge = exposed.get('countertop') as Bridge;

describe('preload bridge', () => {
  it('exposes window.countertop with exactly invoke and on, frozen, and nothing else', () => {
    expect([...exposed.keys()]).toEqual(['countertop']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(JSON.stringify(Object.values(bridge).map((v) => typeof v))).toBe('["function","function"]');
  });

  it('invokes the single ct:invoke channel with the contract channel and input', async () => {
    await expect(bridge.invoke('sales.scan', { code: '4006381333931' })).resolves.toEqual({ ok: true, value: 1 });
    expect(invoke).toHaveBeenLastCalledWith(INVOKE_CHANNEL, 'sales.scan', { code: '4006381333931' });
  });

  it.each([undefined, 1, {}, 'ct:invoke', 'sales', ''])('answers VALIDATION without IPC for channel %j', async (channel) => {
    invoke.mockClear();
    await expect(bridge.invoke(channel, {})).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('delivers events by name with the payload only, and unsubscribes', () => {
    const onEvent = rendererListeners.get(EVENT_CHANNEL);
    expect(onEvent).toBeTypeOf('function');
    const got: unknown[] = [];
    const off = bridge.on('session.expired', (payload: unknown) => got.push(payload));
    const ipcEvent = { sender: 'ipcRenderer must not leak' };
    onEvent?.(ipcEvent, 'session.expired', { reason: 'idle' });
    onEvent?.(ipcEvent, 'payments.intent', { id: 'other' });
    expect(got).toEqual([{ reason: 'idle' }]);
    off();
    onEvent?.(ipcEvent, 'session.expired', { reason: 'signedOut' });
    expect(got).toHaveLength(1);
  });

  it('keeps delivering when one listener throws', () => {
    const onEvent = rendererListeners.get(EVENT_CHANNEL);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const got: unknown[] = [];
    const offA = bridge.on('payments.intent', () => {
      throw new Error('boom');
    });
    const offB = bridge.on('payments.intent', (p: unknown) => got.push(p));
    onEvent?.({}, 'payments.intent', 1);
    expect(got).toEqual([1]);
    offA();
    offB();
    spy.mockRestore();
  });

  it('rejects bad subscriptions', () => {
    expect(() => bridge.on('session.expired', 'not a function')).toThrow(TypeError);
    expect(() => bridge.on(42, () => {})).toThrow(TypeError);
  });
});
