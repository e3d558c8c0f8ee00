import { toCsv } from '../../shared/csv';
import { PDFDocument, rgb } from 'pdf-lib';
import { currencyDigits, formatMoney } from '../../shared/money';
import { localizedName } from '../../shared/names';
import type { Deps } from '../deps';
import { readSettings } from '../settings/settings';
import { PdfText } from '../pdf/text';
import { decimalText, qtyText } from '../inventory/csv';
import { isWeighed, unitSymbol } from '../../shared/units';
import { getOrder, lineTotal } from './orders';
import { getSupplier } from './suppliers';
import { purchaseOrderWords } from '../words/purchase-order';

/** What the supplier receives: the order as a PDF (A4, as many pages as it needs) and as CSV. */
export async function orderPdf(
  deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>,
  id: string,
): Promise<{ base64: string; fileName: string }> {
  const po = getOrder(deps, id);
  const supplier = getSupplier(deps, po.supplierId);
  const settings = readSettings(deps);
  const w = purchaseOrderWords(settings.language);
  const money = (minor: number) => formatMoney(minor, settings.currency, settings.language);
  const doc = await PDFDocument.create();
  doc.setTitle(`${w.title} ${po.number}`);
  doc.setCreator('Countertop');
  const text = await PdfText.create(doc);
  const W = 595.28;
  const H = 841.89;
  const M = 42;
  const cols = [
    { key: 'sku', x: M, width: 90 },
    { key: 'item', x: M + 95, width: 235 },
    { key: 'qty', x: M + 335, width: 50, right: true },
    { key: 'cost', x: M + 390, width: 60, right: true },
    { key: 'total', x: M + 455, width: W - 2 * M - 455, right: true },
  ] as const;
  const pages: ReturnType<typeof doc.addPage>[] = [];
  let page = doc.addPage([W, H]);
  pages.push(page);
  let y = H - M;
  text.draw(page, settings.storeName || 'Countertop', { x: M, y: y - 12, size: 12, bold: true });
  text.draw(page, `${w.title} ${po.number}`, { x: M, y: y - 34, size: 18, bold: true });
  y -= 60;
  const info: [string, string][] = [
    [w.supplier, [supplier.name, supplier.contact, supplier.email, supplier.phone].filter(Boolean).join(' · ')],
    [w.deliver, po.locationName],
    [w.date, new Date(po.sentAt ?? po.createdAt).toISOString().slice(0, 10)],
  ];
  for (const [k, v] of info) {
    text.draw(page, `${k}:`, { x: M, y, size: 10, bold: true });
    text.draw(page, text.fit(v, 10, W - 2 * M - 80), { x: M + 80, y, size: 10 });
    y -= 15;
  }
  if (po.note) {
    text.draw(page, text.fit(po.note, 9, W - 2 * M), { x: M, y, size: 9, color: rgb(0.3, 0.3, 0.3) });
    y -= 14;
  }
  const header = () => {
    y -= 10;
    for (const c of cols) {
      const label = w[c.key];
      const x = 'right' in c ? c.x + c.width - text.width(label, 9, true) : c.x;
      text.draw(page, label, { x, y, size: 9, bold: true });
    }
    y -= 5;
    page.drawLine({ start: { x: M, y }, end: { x: W - M, y }, thickness: 0.7 });
    y -= 13;
  };
  header();
  for (const l of po.items) {
    if (y < M + 30) {
      page = doc.addPage([W, H]);
      pages.push(page);
      y = H - M;
      header();
    }
    const cells: Record<(typeof cols)[number]['key'], string> = {
      sku: l.sku,
      // In the order's language: a Chinese store's supplier reads the Chinese name.
      item: localizedName(l.name, l.altName, settings.language).primary,
      qty: isWeighed(l.unit) ? `${qtyText(l.qtyOrdered)} ${unitSymbol(l.unit, settings.language)}` : qtyText(l.qtyOrdered),
      cost: money(l.unitCost),
      total: money(lineTotal(l.qtyOrdered, l.unitCost)),
    };
    for (const c of cols) {
      const v = text.fit(cells[c.key], 9, c.width);
      const x = 'right' in c ? c.x + c.width - text.width(v, 9) : c.x;
      text.draw(page, v, { x, y, size: 9 });
    }
    y -= 13;
  }
  y -= 4;
  page.drawLine({ start: { x: M, y: y + 9 }, end: { x: W - M, y: y + 9 }, thickness: 0.7 });
  const total = `${w.total}: ${money(po.total)}`;
  text.draw(page, total, { x: W - M - text.width(total, 11, true), y: y - 6, size: 11, bold: true });
  pages.forEach((p, i) => {
    const label = `${po.number} · ${w.page} ${i + 1}/${pages.length}`;
    text.draw(p, label, { x: W - M - text.width(label, 8), y: M / 2, size: 8, color: rgb(0.4, 0.4, 0.4) });
  });
  return { base64: Buffer.from(await doc.save()).toString('base64'), fileName: `${po.number}.pdf` };
}

export function orderCsv(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>, id: string): { csv: string; fileName: string } {
  const po = getOrder(deps, id);
  const digits = currencyDigits(readSettings(deps).currency);
  const data = po.items.map((l) => [
    po.number,
    l.sku,
    l.barcode ?? '',
    l.name,
    l.unit,
    qtyText(l.qtyOrdered),
    decimalText(l.unitCost, digits),
    decimalText(lineTotal(l.qtyOrdered, l.unitCost), digits),
  ]);
  const csv = toCsv(['order', 'sku', 'barcode', 'name', 'unit', 'qty', 'unit_cost', 'line_total'], data);
  return { csv, fileName: `${po.number}.csv` };
}
