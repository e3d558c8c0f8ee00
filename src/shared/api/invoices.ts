import { z } from 'zod';
import { INVOICE_NUMBER_MAX, INVOICE_REASON_MAX, type InvoiceStatus } from '../invoices';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';

/** A buyer's request for an invoice (发票) for a sale, as the manager's queue shows it. */
export interface InvoiceRequestRow {
  id: string;
  orderId: string;
  orderNumber: string;
  /** The sale's total and currency (null when the sale has not reached this till yet). */
  total: number | null;
  currency: string | null;
  title: string;
  taxNumber: string;
  email: string;
  createdAt: number;
  status: InvoiceStatus;
  invoiceNumber: string;
  refusalReason: string;
  decidedAt: number | null;
}

const paging = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(200) };

/** The manager's queue of invoice requests that buyers send from their receipts online. */
export const invoicesContract = {
  /** Open requests oldest first (the queue), or every request newest first. */
  'invoices.list': channel<{ items: InvoiceRequestRow[]; total: number }>()({
    input: z.object({ status: z.enum(['open', 'all']), ...paging }).strict(),
    role: 'manager',
    writes: false,
  }),
  /** The invoice was made out: its number goes back to the buyer's receipt page. */
  'invoices.issue': channel<InvoiceRequestRow>()({
    input: z.object({ id: c.id, invoiceNumber: safeLine(INVOICE_NUMBER_MAX, { min: 1 }) }).strict(),
    role: 'manager',
    writes: true,
  }),
  /** The store will not make it out: the reason goes back to the buyer. */
  'invoices.refuse': channel<InvoiceRequestRow>()({
    input: z.object({ id: c.id, reason: safeLine(INVOICE_REASON_MAX, { min: 1 }) }).strict(),
    role: 'manager',
    writes: true,
  }),
};
