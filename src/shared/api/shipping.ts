import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';
import type { Unit } from './types';
import type { Address } from '../address';

export type ShipmentStatus = 'label_created' | 'handed_over' | 'in_transit' | 'delivered' | 'exception' | 'returned' | 'cancelled';

export interface ShipmentSummary {
  id: string;
  number: string;
  orderId: string;
  orderNumber: string;
  carrier: string;
  service: string;
  trackingNumber: string;
  status: ShipmentStatus;
  eta: number | null;
  customerName: string | null;
  shipToName: string;
  createdAt: number;
  updatedAt: number;
}

export interface ShipmentEvent {
  id: string;
  status: ShipmentStatus;
  description: string;
  location: string | null;
  at: number;
}

export interface Shipment extends ShipmentSummary {
  address: Address;
  weightG: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  lines: { orderLineId: string; name: string; sku: string; qty: number; unit: Unit }[];
  events: ShipmentEvent[];
}

export interface ShipQueueOrder {
  orderId: string;
  number: string;
  createdAt: number;
  customerId: string | null;
  customerName: string | null;
  toShipQty: number;
  total: number;
  currency: string;
  channel: 'counter' | 'online';
}

export interface CarrierInfo {
  id: string;
  name: string;
  services: { id: string; name: string; days: number }[];
  configured: boolean;
}

const paging = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(200) };
const text = (max: number) => safeLine(max);
const optText = (max: number) => text(max).nullable().optional();

export const addressInput = z
  .object({
    name: text(200),
    company: optText(200),
    line1: text(200),
    line2: optText(200),
    city: text(200),
    region: optText(100),
    postalCode: text(40),
    country: text(4),
    phone: optText(40),
  })
  .strict();

const shipmentStatus = z.enum(['label_created', 'handed_over', 'in_transit', 'delivered', 'exception', 'returned']);

/** Shipments of ship-later orders: carriers, labels, tracking. */
export const shippingContract = {
  'shipping.carriers': channel<CarrierInfo[]>()({ input: c.empty, role: 'clerk', writes: false }),
  'shipping.setCarrierApi': channel<CarrierInfo[]>()({
    input: z
      .object({
        config: z
          .object({
            name: c.name,
            baseUrl: z.url({ protocol: /^https?$/ }).max(300),
            apiKey: safeLine(200, { min: 1, trim: false }),
          })
          .strict()
          .nullable(),
      })
      .strict(),
    role: 'admin',
    writes: true,
  }),
  'shipping.queue': channel<ShipQueueOrder[]>()({
    input: z.object({ limit: z.number().int().min(1).max(200) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shipping.list': channel<{ items: ShipmentSummary[]; total: number }>()({
    input: z
      .object({
        status: z.enum(['active', 'all', 'label_created', 'handed_over', 'in_transit', 'delivered', 'exception', 'returned', 'cancelled']),
        q: text(100).optional(),
        ...paging,
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
  'shipping.get': channel<Shipment>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  'shipping.create': channel<Shipment>()({
    input: z
      .object({
        orderId: c.id,
        lines: z
          .array(z.object({ orderLineId: c.id, qty: c.qty }).strict())
          .min(1)
          .max(500),
        address: addressInput,
        parcel: z
          .object({
            weightG: z.number().int().min(1).max(70_000),
            lengthMm: z.number().int().min(1).max(3000),
            widthMm: z.number().int().min(1).max(3000),
            heightMm: z.number().int().min(1).max(3000),
          })
          .strict(),
        carrier: safeLine(40, { min: 1, trim: false }),
        service: safeLine(40, { min: 1, trim: false }),
      })
      .strict(),
    role: 'manager',
    writes: 'own',
  }),
  'shipping.label': channel<{ format: 'pdf' | 'zpl'; base64: string; trackingNumber: string }>()({
    input: z.object({ id: c.id, format: z.enum(['pdf', 'zpl']) }).strict(),
    role: 'clerk',
    writes: false,
  }),
  'shipping.packingSlip': channel<{ base64: string }>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: false }),
  /** A status change entered by hand (own courier, or a carrier that does not push events). */
  'shipping.setStatus': channel<Shipment>()({
    input: z.object({ id: c.id, status: shipmentStatus, description: optText(200), location: optText(100) }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** Ask the carrier for new tracking events and apply them (idempotently). */
  'shipping.refresh': channel<Shipment>()({ input: z.object({ id: c.id }).strict(), role: 'clerk', writes: 'own' }),
  'shipping.cancel': channel<Shipment>()({ input: z.object({ id: c.id }).strict(), role: 'manager', writes: 'own' }),
};
