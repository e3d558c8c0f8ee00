/**
 * Raw HTTP for the servers' front doors: a big body sent as a real client would (chunked, or with a
 * declared length it never finishes), and how much of it the server took before answering.
 */
import { request } from 'node:http';

export interface Streamed {
  /** The status the server answered with (0 when it closed without an answer). */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes the client handed to the socket before the answer came or the socket closed. */
  sent: number;
  ms: number;
}

/**
 * Sends up to `total` bytes of `x` in 64 KiB chunks with back-pressure, stopping as soon as the
 * server answers or closes. `declared` sets a Content-Length instead of chunked encoding.
 */
export function streamBody(
  port: number,
  opts: { path: string; method?: string; headers?: Record<string, string>; total: number; declared?: number },
): Promise<Streamed> {
  const started = Date.now();
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    let status = 0;
    let headers: Streamed['headers'] = {};
    let body = '';
    const finish = () => {
      if (done) return;
      done = true;
      req.destroy();
      resolve({ status, headers, body, sent, ms: Date.now() - started });
    };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: opts.path,
        method: opts.method ?? 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.declared !== undefined ? { 'content-length': String(opts.declared) } : { 'transfer-encoding': 'chunked' }),
          ...opts.headers,
        },
      },
      (res) => {
        status = res.statusCode ?? 0;
        headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', finish);
        res.on('error', finish);
        res.on('close', finish);
      },
    );
    req.on('error', () => setTimeout(finish, 50));
    req.on('close', () => setTimeout(finish, 50));
    const pump = () => {
      while (!done && sent < opts.total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done && sent >= opts.total && opts.declared === undefined) req.end();
    };
    req.flushHeaders();
    pump();
  });
}
