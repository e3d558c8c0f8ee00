/**
 * The wire protocol between the preload bridge and ipcMain, shared by both sides.
 * Pure: no 'electron' import, so the preload bundle can inline it and plain-Node tests can import it.
 */

/** The one invoke channel: (channel: string, input: unknown) -> Result<unknown>. */
export const INVOKE_CHANNEL = 'ct:invoke';
/** The one event channel main pushes on: (name: string, payload: unknown). */
export const EVENT_CHANNEL = 'ct:event';

const MAX_NAME_LENGTH = 100;
/** Contract channels and event names look like `sales.scan`, `payments.intent`, `session.expired`. */
const NAME_PATTERN = /^[a-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+$/;

/** A plausible contract channel name (the router still decides whether it exists). */
export function isValidChannelName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(value);
}

/** A plausible event name. */
export function isValidEventName(value: unknown): value is string {
  return isValidChannelName(value);
}

/** The router session key of a webContents: one session per window. */
export function sessionKeyFor(webContentsId: number): string {
  return `wc:${webContentsId}`;
}
