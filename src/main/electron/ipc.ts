/**
 * The Electron transport: one ipcMain handler in front of the router, and router events forwarded
 * to the window. The router does validation, sessions and roles; this file only decides whether a
 * message comes from the app's own page, and binds the session to the sending webContents.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Result } from '../../shared/errors';
import type { Router } from '../router';
import { EVENT_CHANNEL, INVOKE_CHANNEL, isValidChannelName, sessionKeyFor } from './ipc-protocol';
import { isTrustedSender } from './policy';

export interface IpcTransport {
  /** Accept invokes from this webContents and forward router events to it. */
  attach(contents: WebContents): void;
  /** Remove the ipcMain handler and every subscription (app quit). */
  dispose(): void;
}

export interface IpcOptions {
  appUrl: string;
  onRejected?: (reason: string, detail: string) => void;
}

function refuse(code: 'FORBIDDEN' | 'VALIDATION', message: string): Result<unknown> {
  return { ok: false, error: { code, message } };
}

/** The sending frame's URL, or null when the frame is gone, is a subframe, or cannot be read. */
function topFrameUrl(event: IpcMainInvokeEvent): string | null {
  try {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return null;
    return frame.url;
  } catch {
    return null; // a disposed frame throws on access
  }
}

export function registerIpc(router: Router, opts: IpcOptions): IpcTransport {
  const rejected = opts.onRejected ?? (() => {});
  const attached = new Map<number, () => void>();

  ipcMain.handle(INVOKE_CHANNEL, async (event, channel: unknown, input: unknown): Promise<Result<unknown>> => {
    const frameUrl = topFrameUrl(event);
    if (!attached.has(event.sender.id) || !isTrustedSender(frameUrl, opts.appUrl)) {
      rejected('untrusted-sender', String(frameUrl));
      return refuse('FORBIDDEN', 'This window may not call the store');
    }
    if (!isValidChannelName(channel)) {
      return refuse('VALIDATION', 'Unknown channel');
    }
    return router.call(channel, input, sessionKeyFor(event.sender.id));
  });

  function attach(contents: WebContents): void {
    const id = contents.id;
    if (attached.has(id)) return;
    const key = sessionKeyFor(id);
    const unsubscribe = router.subscribe(key, (name, payload) => {
      if (contents.isDestroyed()) return;
      // Events only ever go to the app's own page, never to whatever a frame might show instead.
      if (!isTrustedSender(contents.getURL(), opts.appUrl)) return;
      contents.send(EVENT_CHANNEL, name, payload);
    });
    const detach = () => {
      if (!attached.has(id)) return;
      attached.delete(id);
      unsubscribe();
      router.dropSession(key);
    };
    attached.set(id, detach);
    contents.once('destroyed', detach);
  }

  function dispose(): void {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    for (const detach of [...attached.values()]) detach();
  }

  return { attach, dispose };
}
