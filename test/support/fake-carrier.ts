/** A carrier on 127.0.0.1 speaking the HTTP API documented in src/main/shipping/carriers.ts (labels, tracking timelines). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCarrier {
  url: string;
  /** Each tracking number's timeline, oldest first: tests push the carrier's scans. */
  events: Record<string, Record<string, unknown>[]>;
  /** What the next label's estimated delivery is (a bare date, as carriers answer). */
  estimatedDelivery: string | null;
  close(): Promise<void>;
}

export const CARRIER_KEY = 'sk_test';

export async function startFakeCarrier(): Promise<FakeCarrier> {
  let seq = 0;
  const byIdem = new Map<string, string>();
  const fake = { events: {} as FakeCarrier['events'], estimatedDelivery: '2026-11-25' as string | null };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${CARRIER_KEY}`)
        return send(401, { error: { code: 'unauthorized', message: 'Bad API key' } });
      const path = req.url ?? '';
      if (req.method === 'POST' && path === '/v1/shipments') {
        const idem = String(req.headers['idempotency-key']);
        const tn = byIdem.get(idem) ?? `1ZFAKE${String(++seq).padStart(8, '0')}`;
        byIdem.set(idem, tn);
        fake.events[tn] ??= [
          {
            id: `evt_${tn}_0`,
            status: 'label_created',
            occurredAt: new Date().toISOString(),
            description: 'Label created',
            location: null,
          },
        ];
        return send(201, { trackingNumber: tn, estimatedDelivery: fake.estimatedDelivery });
      }
      const m = /^\/v1\/shipments\/([^/]+)\/(events|cancel)$/.exec(path);
      if (m && fake.events[m[1]!]) {
        if (m[2] === 'events') return send(200, { events: fake.events[m[1]!] });
        return send(200, { cancelled: true });
      }
      return send(404, { error: { code: 'not_found', message: 'No such shipment' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
