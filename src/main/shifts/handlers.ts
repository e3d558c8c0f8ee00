import type { shiftsContract } from '../../shared/api/shifts';
import { denominationsFor } from '../../shared/denominations';
import { inTransaction } from '../db/open';
import { AppError } from '../errors';
import { staffOf, type HandlersFor } from '../router';
import { sendToPrinter } from '../receipts/printer';
import { readSettings } from '../settings/settings';
import {
  cashMove,
  closeShift,
  countsRecord,
  requireOpenShift,
  listShifts,
  openShift,
  openShiftOf,
  recordNoSale,
  shiftReport,
} from './shifts';
import { drawerKickBytes, encodeShiftReport } from './report-print';

async function print(bytes: Uint8Array, printer: { host: string; port: number }, what: string): Promise<void> {
  try {
    await sendToPrinter({ host: printer.host, port: printer.port, bytes, timeoutMs: 4000 });
  } catch (err) {
    throw new AppError('IO', `Printer ${printer.host}:${printer.port} did not take the ${what}`, {
      reason: err instanceof Error ? err.message : String(err),
    });
  }
}

export const shiftsHandlers: HandlersFor<typeof shiftsContract> = {
  'shifts.current': (_i, { deps }) => {
    const { currency } = readSettings(deps);
    return { currency, denominations: [...denominationsFor(currency)], terminalCode: deps.terminalCode, shift: openShiftOf(deps) };
  },
  'shifts.open': (input, ctx) => openShift(ctx.deps, staffOf(ctx), countsRecord(input.counts)),
  'shifts.cashMove': (input, ctx) => cashMove(ctx.deps, staffOf(ctx), input),
  'shifts.noSale': async (input, ctx) => {
    const { deps } = ctx;
    const staff = staffOf(ctx);
    // Nothing is written unless the drawer open happens: shift and printer are checked, the kick
    // is sent, and only then is the no-sale recorded (and audited).
    requireOpenShift(deps);
    if (input.kickDrawer) {
      const printer = readSettings(deps).printer;
      if (!printer) throw new AppError('VALIDATION', 'No receipt printer is set up to open the drawer', { field: 'printer' });
      await print(drawerKickBytes(), printer, 'drawer kick');
    }
    inTransaction(deps.sqlite, () => recordNoSale(deps, staff, input.reason));
    return { kicked: input.kickDrawer };
  },
  'shifts.report': (input, { deps }) => shiftReport(deps, input.shiftId),
  'shifts.close': (input, ctx) => closeShift(ctx.deps, staffOf(ctx), input.shiftId, countsRecord(input.counts)),
  'shifts.list': (input, { deps }) => listShifts(deps, input.limit, input.offset ?? 0),
  'shifts.print': async (input, { deps }) => {
    const settings = readSettings(deps);
    if (!settings.printer) throw new AppError('VALIDATION', 'No receipt printer is set up', { field: 'printer' });
    const bytes = encodeShiftReport(shiftReport(deps, input.shiftId), {
      width: settings.printer.width,
      language: settings.language,
      timezone: settings.timezone,
    });
    await print(bytes, settings.printer, 'report');
    return { bytes: bytes.length };
  },
  'shifts.escpos': (input, { deps }) => {
    const settings = readSettings(deps);
    const bytes = encodeShiftReport(shiftReport(deps, input.shiftId), {
      width: input.width,
      language: settings.language,
      timezone: settings.timezone,
    });
    return { base64: Buffer.from(bytes).toString('base64') };
  },
  'shifts.pdf': async (input, { deps }) => {
    const settings = readSettings(deps);
    // pdf-lib and the fonts load on the first PDF, not at start.
    const { shiftReportPdf } = await import('./report-pdf');
    const bytes = await shiftReportPdf(shiftReport(deps, input.shiftId), {
      language: input.language ?? settings.language,
      timezone: settings.timezone,
    });
    return { base64: Buffer.from(bytes).toString('base64') };
  },
};
