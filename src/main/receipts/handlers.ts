import type { receiptsContract } from '../../shared/api/receipts';
import { staffOf, type HandlersFor } from '../router';
import { readSettings } from '../settings/settings';
import { receiptDoc } from '../sales/receipt-doc';
import { encodeReceipt } from './escpos';
import { sendToPrinter } from './printer';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import { inTransaction } from '../db/open';

export const receiptsHandlers: HandlersFor<typeof receiptsContract> = {
  'receipts.get': (input, { deps }) => receiptDoc(deps, input.orderId),
  'receipts.escpos': (input, { deps }) => ({
    base64: Buffer.from(encodeReceipt(receiptDoc(deps, input.orderId), { width: input.width, kickDrawer: false })).toString('base64'),
  }),
  'receipts.print': async (input, ctx) => {
    const { deps } = ctx;
    const printer = readSettings(deps).printer;
    if (!printer) throw new AppError('VALIDATION', 'No receipt printer is set up', { field: 'printer' });
    const bytes = encodeReceipt(receiptDoc(deps, input.orderId), { width: printer.width, kickDrawer: input.kickDrawer });
    try {
      await sendToPrinter({ host: printer.host, port: printer.port, bytes, timeoutMs: 4000 });
    } catch (err) {
      throw new AppError('IO', `Printer ${printer.host}:${printer.port} did not take the receipt`, {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    if (input.kickDrawer)
      inTransaction(deps.sqlite, () =>
        recordAudit(deps, { staffId: staffOf(ctx).id, action: 'drawer.open', target: input.orderId, success: true }),
      );
    return { bytes: bytes.length };
  },
};
