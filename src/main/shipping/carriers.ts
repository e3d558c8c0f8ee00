/**
 * Carriers behind one interface. Two ship with Countertop:
 * - `own`: the store's own courier. It issues its own tracking numbers (no network) and its
 *   status changes are entered by hand (handed over, in transit, delivered…).
 * - `api`: an adapter for a carrier's HTTP API, configured by the admin (base URL + API key).
 *
 * The carrier HTTP API the adapter speaks (JSON over HTTPS; every request carries
 * `Authorization: Bearer <apiKey>`):
 *
 *   POST {base}/v1/shipments                       create a shipment and buy its label
 *     headers: Idempotency-Key: <our shipment id>  (a retried request returns the same shipment)
 *     request:  { "reference": "T1-000042", "service": "standard" | "express",
 *                 "shipTo": { "name", "company"?, "line1", "line2"?, "city", "region"?, "postalCode",
 *                             "country" (ISO 3166-1 alpha-2), "phone"? },
 *                 "parcel": { "weightGrams": int, "lengthMm": int, "widthMm": int, "heightMm": int } }
 *     201:      { "trackingNumber": "1Z…", "estimatedDelivery": "2026-11-25" | null }
 *     422:      { "error": { "code": "invalid_address", "message": "…", "field": "postalCode" } }
 *     401/5xx:  { "error": { "code", "message" } }
 *
 *   GET  {base}/v1/shipments/{trackingNumber}/events   the tracking timeline, oldest first
 *     200:      { "events": [ { "id": "evt_…" (unique, stable), "status": "label_created" | "picked_up" |
 *                 "in_transit" | "out_for_delivery" | "delivered" | "exception" | "returned_to_sender",
 *                 "occurredAt": ISO 8601, "description": "…", "location": "…" | null } ] }
 *     404:      { "error": { "code": "not_found", "message" } }
 *
 *   POST {base}/v1/shipments/{trackingNumber}/cancel   void the label before pickup
 *     200:      { "cancelled": true }
 *     409:      { "error": { "code": "already_picked_up", "message" } }
 *
 * Their statuses map to ours: picked_up → handed_over, out_for_delivery → in_transit,
 * returned_to_sender → returned. Events are applied by their id, so fetching the same
 * timeline twice changes nothing.
 */
import type { CarrierInfo, ShipmentStatus } from '../../shared/api/shipping';
import type { Address } from '../../shared/address';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { inTransaction } from '../db/open';
import type { Cols } from '../db/rows';
import type { counters, settings } from '../db/schema';

export interface CarrierShipmentRequest {
  shipmentId: string;
  reference: string;
  service: string;
  shipTo: Address;
  parcel: { weightG: number; lengthMm: number; widthMm: number; heightMm: number };
}

export interface CarrierEvent {
  /** Unique per shipment and stable: applying it twice is a no-op. */
  id: string;
  status: ShipmentStatus;
  at: number;
  description: string;
  location: string | null;
  /** In transit, on the last leg (the carrier's `out_for_delivery`): the buyer's timeline says so. */
  outForDelivery?: boolean;
}

export interface Carrier {
  id: string;
  name: string;
  services: { id: string; name: string; days: number }[];
  configured: boolean;
  createShipment(req: CarrierShipmentRequest): Promise<{ trackingNumber: string; eta: number | null }>;
  track(trackingNumber: string): Promise<CarrierEvent[]>;
  cancel(trackingNumber: string): Promise<void>;
}

export interface CarrierApiConfig {
  name: string;
  baseUrl: string;
  apiKey: string;
}

const DAY = 86_400_000;

/** Mod-10 (Luhn) check digit over the digits of a tracking number. */
export function checkDigit(digits: string): number {
  let sum = 0;
  [...digits].reverse().forEach((ch, i) => {
    let d = Number(ch);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  });
  return (10 - (sum % 10)) % 10;
}

/** The store's own courier: tracking numbers CT + terminal + 9-digit sequence + check digit. */
export function ownCourier(deps: Pick<Deps, 'sqlite' | 'clock' | 'terminalCode'>): Carrier {
  return {
    id: 'own',
    name: 'Own courier',
    services: [
      { id: 'same_day', name: 'Same day', days: 0 },
      { id: 'next_day', name: 'Next day', days: 1 },
    ],
    configured: true,
    createShipment(req) {
      const seq = inTransaction(deps.sqlite, () => {
        const key = `tracking:${deps.terminalCode}`;
        deps.sqlite.prepare('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1').run(key);
        return (deps.sqlite.prepare('SELECT value FROM counters WHERE name = ?').get(key) as Cols<typeof counters, 'value'>).value;
      });
      const digits = String(seq).padStart(9, '0');
      const trackingNumber = `CT${deps.terminalCode.replace(/[^A-Z0-9]/gi, '').toUpperCase()}${digits}${checkDigit(digits)}`;
      const days = req.service === 'same_day' ? 0 : 1;
      const end = new Date(deps.clock() + days * DAY);
      end.setUTCHours(20, 0, 0, 0);
      return Promise.resolve({ trackingNumber, eta: end.getTime() });
    },
    track: () => Promise.resolve([]),
    cancel: () => Promise.resolve(),
  };
}

const API_STATUS: Record<string, ShipmentStatus> = {
  label_created: 'label_created',
  picked_up: 'handed_over',
  in_transit: 'in_transit',
  out_for_delivery: 'in_transit',
  delivered: 'delivered',
  exception: 'exception',
  returned_to_sender: 'returned',
};

const FIELD_OF: Record<string, string> = {
  name: 'name',
  company: 'company',
  line1: 'line1',
  line2: 'line2',
  city: 'city',
  region: 'region',
  postalCode: 'postalCode',
  country: 'country',
  phone: 'phone',
};

/** The HTTP carrier-API adapter (see the API shape at the top of this file). */
export function httpCarrier(config: CarrierApiConfig | null, opts: { timeoutMs?: number } = {}): Carrier {
  const base = config?.baseUrl.replace(/\/+$/, '') ?? '';
  async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    if (!config) throw new AppError('VALIDATION', 'The carrier API is not set up', { reason: 'carrierNotConfigured' });
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new AppError('IO', `${config.name} could not be reached`, { reason: err instanceof Error ? err.message : String(err) });
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      // not JSON
    }
    if (res.ok) return json;
    const e = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    const message = `${config.name}: ${e?.message ?? `HTTP ${res.status}`}`;
    if (res.status === 422 && e?.field && FIELD_OF[e.field])
      throw new AppError('VALIDATION', message, [
        { path: ['address', FIELD_OF[e.field]!], message: e.message ?? 'Rejected by the carrier', code: 'carrier' },
      ]);
    if (res.status === 404) throw new AppError('NOT_FOUND', message, { carrierCode: e?.code });
    if (res.status === 409) throw new AppError('CONFLICT', message, { carrierCode: e?.code });
    if (res.status === 400 || res.status === 422) throw new AppError('VALIDATION', message, { carrierCode: e?.code });
    throw new AppError('IO', message, { status: res.status, carrierCode: e?.code });
  }

  return {
    id: 'api',
    name: config?.name ?? 'Carrier API',
    services: [
      { id: 'standard', name: 'Standard', days: 3 },
      { id: 'express', name: 'Express', days: 1 },
    ],
    configured: config !== null,
    async createShipment(req) {
      const body = (await call(
        'POST',
        '/v1/shipments',
        {
          reference: req.reference,
          service: req.service,
          shipTo: req.shipTo,
          parcel: {
            weightGrams: req.parcel.weightG,
            lengthMm: req.parcel.lengthMm,
            widthMm: req.parcel.widthMm,
            heightMm: req.parcel.heightMm,
          },
        },
        { 'idempotency-key': req.shipmentId },
      )) as { trackingNumber?: unknown; estimatedDelivery?: unknown };
      if (typeof body?.trackingNumber !== 'string' || !/^[\x21-\x7e]{4,40}$/.test(body.trackingNumber))
        throw new AppError('IO', `${config?.name ?? 'Carrier'} answered without a usable tracking number`);
      const eta = typeof body.estimatedDelivery === 'string' ? Date.parse(body.estimatedDelivery) : NaN;
      return { trackingNumber: body.trackingNumber, eta: Number.isFinite(eta) ? eta : null };
    },
    async track(trackingNumber) {
      const body = (await call('GET', `/v1/shipments/${encodeURIComponent(trackingNumber)}/events`)) as { events?: unknown };
      const events = Array.isArray(body?.events) ? body.events : [];
      const out: CarrierEvent[] = [];
      for (const raw of events as Record<string, unknown>[]) {
        const status = API_STATUS[String(raw?.status)];
        const at = Date.parse(String(raw?.occurredAt));
        if (!status || !Number.isFinite(at) || typeof raw.id !== 'string' || raw.id.length === 0 || raw.id.length > 100) continue;
        out.push({
          id: `api:${raw.id}`,
          status,
          at,
          description: typeof raw.description === 'string' ? raw.description.slice(0, 200) : '',
          location: typeof raw.location === 'string' ? raw.location.slice(0, 100) : null,
          ...(raw.status === 'out_for_delivery' ? { outForDelivery: true } : {}),
        });
      }
      return out;
    },
    async cancel(trackingNumber) {
      await call('POST', `/v1/shipments/${encodeURIComponent(trackingNumber)}/cancel`, {});
    },
  };
}

export function carrierApiConfig(deps: Pick<Deps, 'sqlite'>): CarrierApiConfig | null {
  const row = deps.sqlite.prepare("SELECT value FROM settings WHERE key = 'carrierApi'").get() as
    Cols<typeof settings, 'value'> | undefined;
  return row ? (JSON.parse(row.value) as CarrierApiConfig) : null;
}

export function carriers(deps: Pick<Deps, 'sqlite' | 'clock' | 'terminalCode'>): Carrier[] {
  return [ownCourier(deps), httpCarrier(carrierApiConfig(deps))];
}

export function carrierById(deps: Pick<Deps, 'sqlite' | 'clock' | 'terminalCode'>, id: string): Carrier {
  const c = carriers(deps).find((x) => x.id === id);
  if (!c) throw new AppError('VALIDATION', `Unknown carrier ${id}`, [{ path: ['carrier'], message: 'Unknown carrier' }]);
  return c;
}

export function carrierInfo(deps: Pick<Deps, 'sqlite' | 'clock' | 'terminalCode'>): CarrierInfo[] {
  return carriers(deps).map((c) => ({ id: c.id, name: c.name, services: c.services, configured: c.configured }));
}
