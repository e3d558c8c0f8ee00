import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeReceipt } from '../../../src/main/receipts/escpos';
import { sendToPrinter } from '../../../src/main/receipts/printer';
import { sampleDoc } from './sample-order';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy(); // a paused socket would keep its server open
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A fake network printer on 127.0.0.1 that records what one connection sends. */
async function fakePrinter(onSocket?: (s: net.Socket) => void) {
  let received!: Promise<Buffer>;
  const server = net.createServer((socket) => {
    sockets.push(socket);
    received = new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => {
        socket.end();
        resolve(Buffer.concat(chunks));
      });
      socket.on('error', reject);
    });
    onSocket?.(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, received: () => received, server };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('sendToPrinter', () => {
  it('delivers exactly the receipt bytes', async () => {
    const printer = await fakePrinter();
    const bytes = encodeReceipt(sampleDoc('zh-CN'), { width: 80, kickDrawer: true });
    await sendToPrinter({ host: '127.0.0.1', port: printer.port, bytes });
    const got = await printer.received();
    expect(got.equals(Buffer.from(bytes))).toBe(true);
  });

  it('delivers a large payload (a logo-sized image) intact', async () => {
    const printer = await fakePrinter();
    const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    await sendToPrinter({ host: '127.0.0.1', port: printer.port, bytes });
    expect((await printer.received()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('rejects clearly when nothing listens', async () => {
    const port = await freePort();
    await expect(sendToPrinter({ host: '127.0.0.1', port, bytes: new Uint8Array([0x1b, 0x40]) })).rejects.toThrow(
      new RegExp(`^Cannot connect to printer 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    );
  });

  it('times out when the printer stops taking data', async () => {
    const printer = await fakePrinter((socket) => socket.pause());
    const bytes = new Uint8Array(64 * 1024 * 1024); // far more than the socket buffers hold
    const started = Date.now();
    await expect(sendToPrinter({ host: '127.0.0.1', port: printer.port, bytes, timeoutMs: 300 })).rejects.toThrow(
      /stopped accepting data \(timed out after 300 ms\)/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects an invalid address without connecting', async () => {
    await expect(sendToPrinter({ host: '', port: 9100, bytes: new Uint8Array() })).rejects.toThrow(/Invalid printer address/);
    await expect(sendToPrinter({ host: '127.0.0.1', port: 70000, bytes: new Uint8Array() })).rejects.toThrow(/Invalid printer address/);
  });
});
