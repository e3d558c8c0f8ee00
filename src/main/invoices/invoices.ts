/**
 * Buyers' invoice requests at the till: pulled from the cloud (the buyer asked from their receipt
 * online); a manager issues one (its number) or refuses it (a reason). The decision writes only
 * the request's decision fields — the cloud refuses any other field from a till — and travels
 * back through the write path to the buyer's receipt page.
 */
import type { InvoiceRequestRow } from '../../shared/api/invoices';
import type { Deps } from '../deps';
import { recordAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';

const COLS = `i.id, i.order_id AS orderId, i.order_number AS orderNumber, o.total, o.currency, i.title, i.tax_number AS taxNumber,
  i.email, i.created_at AS createdAt, i.status, i.invoice_number AS invoiceNumber, i.refusal_reason AS refusalReason,
  i.decided_at AS decidedAt`;
const FROM = 'invoice_requests i LEFT JOIN orders o ON o.id = i.order_id';

export function listInvoiceRequests(
  deps: Pick<Deps, 'sqlite'>,
  input: { status: 'open' | 'all'; offset: number; limit: number },
): { items: InvoiceRequestRow[]; total: number } {
  // The queue is worked oldest first; the whole list reads newest first.
  const [where, order] =
    input.status === 'open' ? [`WHERE i.status = 'open'`, 'i.created_at ASC, i.id ASC'] : ['', 'i.created_at DESC, i.id DESC'];
  const items = deps.sqlite
    .prepare(`SELECT ${COLS} FROM ${FROM} ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(input.limit, input.offset) as InvoiceRequestRow[];
  const total = (deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM invoice_requests i ${where}`).get() as { n: number }).n;
  return { items, total };
}

function one(deps: Pick<Deps, 'sqlite'>, id: string): InvoiceRequestRow {
  const row = deps.sqlite.prepare(`SELECT ${COLS} FROM ${FROM} WHERE i.id = ?`).get(id) as InvoiceRequestRow | undefined;
  if (!row) throw notFound('Invoice request');
  return row;
}

export function decideInvoiceRequest(
  deps: Pick<Deps, 'sqlite' | 'db' | 'clock' | 'ids' | 'terminalCode'>,
  input: { id: string } & ({ invoiceNumber: string } | { reason: string }),
  staffId: string,
): InvoiceRequestRow {
  const before = one(deps, input.id);
  // A decision is final: the buyer has been told, and an issued invoice is a document of record.
  if (before.status !== 'open')
    throw new AppError('CONFLICT', 'This invoice request was already decided', { messageKey: 'invoices.decided' });
  const issued = 'invoiceNumber' in input;
  const number = issued ? input.invoiceNumber.trim() : '';
  const reason = issued ? '' : input.reason.trim();
  if (issued ? number === '' : reason === '')
    throw new AppError('VALIDATION', issued ? 'Give the invoice number' : 'Say why the invoice is refused', {
      messageKey: issued ? 'invoices.numberRequired' : 'invoices.reasonRequired',
    });
  // The write path stamps the row; only these fields change, so only they travel as this till's.
  deps.sqlite
    .prepare(
      `UPDATE invoice_requests SET status = ?, invoice_number = ?, refusal_reason = ?, decided_by = ?, decided_at = ?
       WHERE id = ? AND status = 'open'`,
    )
    .run(issued ? 'issued' : 'refused', number, reason, staffId, deps.clock(), input.id);
  recordAudit(deps, {
    staffId,
    action: issued ? 'invoices.issue' : 'invoices.refuse',
    target: input.id,
    details: issued ? { invoiceNumber: number, order: before.orderNumber } : { reason, order: before.orderNumber },
    success: true,
  });
  return one(deps, input.id);
}
