/**
 * Sends bytes to a network receipt printer over a raw TCP socket ("JetDirect"/port 9100).
 * Plain Node: no Electron. Failures reject with an Error whose message names the printer; the
 * caller maps it to the IO error code.
 */
import net from 'node:net';

export const DEFAULT_PRINTER_PORT = 9100;
const DEFAULT_TIMEOUT_MS = 5000;

export interface SendToPrinterOptions {
  host: string;
  port?: number;
  bytes: Uint8Array;
  /** Whole-operation limit: connecting and handing over every byte. */
  timeoutMs?: number;
}

export class PrinterError extends Error {
  constructor(
    message: string,
    readonly reason: 'connect' | 'timeout' | 'io' | 'invalid',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PrinterError';
  }
}

export function sendToPrinter(opts: SendToPrinterOptions): Promise<void> {
  const port = opts.port ?? DEFAULT_PRINTER_PORT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${opts.host}:${port}`;
  if (!opts.host || !Number.isInteger(port) || port < 1 || port > 65535) {
    return Promise.reject(new PrinterError(`Invalid printer address ${where}`, 'invalid'));
  }

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let connected = false;
    let sent = false;
    const socket = net.createConnection({ host: opts.host, port });

    const finish = (error?: PrinterError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
        return;
      }
      resolve();
      // A printer may never close its side: don't let a half-closed socket hold the process open,
      // and drop it after a grace period (destroying at once could reset a slow printer's read).
      socket.unref();
      setTimeout(() => socket.destroy(), 30_000).unref();
    };

    // One timer covers a dead host (connect hangs) and a stalled printer (paper out, buffer full).
    const timer = setTimeout(() => {
      finish(
        new PrinterError(
          connected
            ? `Printer ${where} stopped accepting data (timed out after ${timeoutMs} ms)`
            : `Printer ${where} did not answer (timed out after ${timeoutMs} ms)`,
          'timeout',
        ),
      );
    }, timeoutMs);

    socket.once('connect', () => {
      connected = true;
      socket.resume(); // printers may answer with status bytes; read and ignore them
      // end() flushes the bytes, then half-closes; its callback runs once they left this process.
      socket.end(opts.bytes, () => {
        sent = true;
        finish();
      });
    });

    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ? ` (${err.code})` : '';
      finish(
        connected
          ? new PrinterError(`Sending to printer ${where} failed${code}: ${err.message}`, 'io', { cause: err })
          : new PrinterError(`Cannot connect to printer ${where}${code}: ${err.message}`, 'connect', { cause: err }),
      );
    });

    // Closed without an 'error' event before the bytes were out: still a failure.
    socket.on('close', () => {
      if (!sent) finish(new PrinterError(`Printer ${where} closed the connection before the receipt was sent`, 'io'));
    });
  });
}
