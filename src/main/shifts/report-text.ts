/**
 * The X/Z report as monospaced lines in the store's language: printed on the receipt printer
 * (ESC/POS, Chinese in GBK as receipts do) and laid out in the PDF.
 */
import type { ShiftReport } from '../../shared/api/shifts';
import type { Language } from '../../shared/api/types';
import { unitSymbol } from '../../shared/units';
import { formatMoney, formatQty } from '../../shared/money';
import { centerWidth, leftRight } from '../receipts/text-width';
import { displayName } from '../receipts/receipt-text';
import { reportLabels } from '../words/shift-report';

export interface ReportLine {
  text: string;
  strong?: boolean;
}

const plain = (text: string) => text.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/\u2212/g, '-');

const TENDER_KEYS = ['card_external', 'card_integrated', 'store_credit', 'exchange', 'alipay', 'wechat_pay', 'stored_value'] as const;

/** Each tender, provider by provider, by its name in the report's language; an unknown kind prints as stored. */
export function tenderLabel(kind: string, language: Language): string {
  const l = reportLabels(language);
  if (kind === 'cash') return l.cash_tender;
  const key = TENDER_KEYS.find((k) => k === kind);
  return key ? l[key] : kind;
}

export function reportLines(report: ShiftReport, columns: number, language: Language, timezone: string): ReportLine[] {
  const l = reportLabels(language);
  const cur = report.shift.currency;
  const money = (minor: number) => plain(formatMoney(minor, cur, language));
  const when = (ms: number) => {
    try {
      return plain(new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: timezone }).format(ms));
    } catch {
      return plain(new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms));
    }
  };
  const out: ReportLine[] = [];
  const row = (left: string, right: string, strong = false) => {
    for (const text of leftRight(left, right, columns)) out.push(strong ? { text, strong } : { text });
  };
  const rule = () => out.push({ text: '-'.repeat(columns) });
  const head = (text: string) => out.push({ text, strong: true });

  if (report.storeName) out.push({ text: centerWidth(report.storeName, columns), strong: true });
  out.push({ text: centerWidth(report.kind === 'Z' ? l.z : l.x, columns), strong: true });
  rule();
  row(l.shift, report.shift.number);
  row(l.terminal, report.shift.terminalCode);
  row(l.opened, when(report.shift.openedAt));
  row(`  ${l.by}`, report.shift.openedBy);
  if (report.shift.closedAt !== null) {
    row(l.closed, when(report.shift.closedAt));
    row(`  ${l.by}`, report.shift.closedBy ?? '');
  }
  rule();
  head(l.cash);
  row(l.float, money(report.cash.float));
  row(`+ ${l.cashSales}`, money(report.cash.sales));
  row(`- ${l.cashRefunds}`, money(report.cash.refunds));
  row(`+ ${l.cashIn}`, money(report.cash.cashIn));
  row(`- ${l.cashOut}`, money(report.cash.cashOut));
  if (report.cash.cards) row(`+ ${l.cardCash}`, money(report.cash.cards));
  row(`= ${l.expected}`, money(report.cash.expected), true);
  if (report.cash.counted !== null && report.cash.overShort !== null) {
    row(l.counted, money(report.cash.counted), true);
    const os = report.cash.overShort;
    row(os > 0 ? l.over : os < 0 ? l.short : l.even, money(os), true);
  }
  rule();
  head(l.sales);
  row(l.orders, String(report.sales.orders));
  // Pieces and weights are different quantities: never add one to the other. Weights of any unit are totalled in kg.
  row(l.items, formatQty(report.sales.items, 'each', language));
  if (report.sales.weighed) row(l.weighed, `${formatQty(report.sales.weighed, 'kg', language)} ${unitSymbol('kg', language)}`);
  row(l.gross, money(report.sales.gross));
  row(l.discounts, money(0 - report.sales.discounts));
  row(l.tax, money(report.sales.tax));
  row(l.total, money(report.sales.total), true);
  row(l.refunds, `${report.refunds.count} / ${money(report.refunds.amount)}`);
  row(l.voids, `${report.voids.count} / ${money(report.voids.amount)}`);
  row(l.noSales, String(report.noSales));
  rule();
  head(l.tenders);
  for (const t of report.tenders) {
    row(`${tenderLabel(t.kind, language)} (${t.count})`, money(t.amount));
    if (t.refunds) row(`  ${l.refundsOf}`, money(-t.refunds));
  }
  // Cards sold and loaded are a liability, not sales: listed apart from the sales above.
  const sv = report.storedValue;
  if (sv && (sv.issued || sv.toppedUp || sv.bonus || sv.spent || sv.refunded)) {
    rule();
    head(l.cards);
    row(l.cardIssued, money(sv.issued));
    row(l.cardToppedUp, money(sv.toppedUp));
    row(l.cardBonus, money(sv.bonus));
    row(l.cardSpent, money(sv.spent));
    row(l.cardRefunded, money(sv.refunded));
  }
  rule();
  head(l.categories);
  for (const c of report.categories) {
    // The Chinese name may be the main one (a zh-CN store) or the alternate: pick by script.
    const name = c.name === null ? null : displayName({ name: c.name, altName: c.altName }, language);
    row(name ?? l.uncategorized, money(c.amount));
  }
  rule();
  head(l.taxRates);
  for (const t of report.taxRates) row(`${Number((t.rateBp / 100).toFixed(2))}% (${l.base} ${money(t.base)})`, money(t.tax));
  if (report.movements.length) {
    rule();
    head(l.movements);
    for (const m of report.movements) {
      const kind = m.kind === 'in' ? l.in : m.kind === 'out' ? l.out : l.noSale;
      row(`${kind}: ${m.reason}`, m.kind === 'no_sale' ? '' : money(m.kind === 'out' ? -m.amount : m.amount));
    }
  }
  rule();
  if (report.journalSeq !== null) row(l.journal, `#${report.journalSeq}`);
  row(l.printed, when(report.generatedAt));
  return out;
}
