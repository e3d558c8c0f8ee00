/**
 * The receipt as monospaced text lines, laid out for a thermal printer's character width.
 * Pure: the same document always gives the same lines. Used by the ESC/POS encoder and usable for
 * a plain-text preview.
 */
import type { Language, OrderLine, OrderLinePromotion, Payment, ReceiptDoc } from '../../shared/api/types';
import { formatMoney, formatQty } from '../../shared/money';
import { isWeighed, unitSymbol } from '../../shared/units';
import { receiptLabels, type ReceiptLabels } from '../words/receipt';
import { receiptLineAmount } from '../../shared/pricing';
import { cardBrandName } from '../../shared/card-brands';
import { centerWidth, charWidth, leftRight, wrapWidth } from './text-width';

export interface ReceiptLine {
  text: string;
  /** Printed emphasized (store name, TOTAL). */
  strong?: boolean;
}

/** Font A character columns per paper width. */
export const RECEIPT_COLUMNS = { 58: 32, 80: 48 } as const;

// Intl separates currency symbols and AM/PM with no-break spaces; printers know only plain ones.
function plain(text: string): string {
  return text.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/\u2212/g, '-');
}

function money(minor: number, doc: ReceiptDoc): string {
  return plain(formatMoney(minor, doc.order.currency, doc.language));
}

function formatDateTime(epochMs: number, language: Language, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return plain(new Intl.DateTimeFormat(language, { ...options, timeZone }).format(epochMs));
  } catch {
    // A bad timezone in settings must not stop a receipt from printing.
    return plain(new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(epochMs)) + ' UTC';
  }
}

/** 2000 bp -> "20%", 550 bp -> "5.5%". */
export function formatRate(bp: number): string {
  return `${Number((bp / 100).toFixed(2))}%`;
}

const hasWide = (s: string) => [...s].some((ch) => charWidth(ch) === 2);

/**
 * Products carry a name and an optional alternate-language name; the receipt shows the one that
 * matches its language (Chinese text for zh-CN), whichever field it was stored in.
 */
export function displayName(line: Pick<OrderLine, 'name' | 'altName'>, language: Language): string {
  const alt = line.altName?.trim();
  if (!alt) return line.name;
  const wantChinese = language === 'zh-CN';
  if (hasWide(line.name) === wantChinese) return line.name;
  if (hasWide(alt) === wantChinese) return alt;
  return line.name;
}

/** A promotion as the customer saw it: its Chinese name on a zh-CN receipt when it has one. */
export function promotionName(p: Pick<OrderLinePromotion, 'name' | 'nameZh'>, language: Language): string {
  return language === 'zh-CN' && p.nameZh ? p.nameZh : p.name;
}

/** The line's amount before discounts: what qty × unit price came to (or the scale label's value). */
export function lineGross(line: OrderLine, priceMode: ReceiptDoc['order']['priceMode']): number {
  return receiptLineAmount(line, priceMode);
}

function itemLines(line: OrderLine, doc: ReceiptDoc, width: number, labels: ReceiptLabels): string[] {
  const name = displayName(line, doc.language);
  const gross = money(lineGross(line, doc.order.priceMode), doc);
  const out: string[] = [];
  if (line.unit === 'each' && line.qty === 1000) {
    out.push(...leftRight(name, gross, width));
  } else {
    out.push(...wrapWidth(name, width));
    const qty = formatQty(line.qty, line.unit, doc.language);
    const price = money(line.unitPrice, doc);
    const unit = unitSymbol(line.unit, doc.language);
    const detail = isWeighed(line.unit) ? `  ${qty} ${unit} x ${price}/${unit}` : `  ${qty} x ${price}`;
    out.push(...leftRight(detail, gross, width));
  }
  // A list price under the list's name, with the shelf price it replaced ("会员价  ¥9.90 -> ¥9.00": an arrow every receipt code page has).
  if (line.priceList)
    out.push(
      ...leftRight(
        `  ${promotionName(line.priceList, doc.language)}`,
        `${money(line.priceList.shelfPrice, doc)} -> ${money(line.unitPrice, doc)}`,
        width,
      ),
    );
  // Each promotion under its name ("第二件半价 -¥5.00"), then what other discounts took.
  let promoted = 0;
  for (const p of line.promotions ?? []) {
    promoted += p.amount;
    out.push(...leftRight(`  ${promotionName(p, doc.language)}`, money(-p.amount, doc), width));
  }
  const other = line.discount - promoted;
  if (other > 0) out.push(...leftRight(`  ${labels.discount}`, money(-other, doc), width));
  return out;
}

/** What a payment is called on a receipt: the provider by name, a card by brand and last digits. */
export function paymentLabel(payment: Payment, language: Language): string {
  const labels = receiptLabels(language);
  switch (payment.kind) {
    case 'alipay':
      return labels.alipay;
    case 'wechat_pay':
      return labels.wechatPay;
    case 'store_credit':
      return labels.storeCredit;
    case 'stored_value':
      return payment.last4 ? `${labels.storedValue} ****${payment.last4}` : labels.storedValue;
    case 'exchange':
      return labels.exchange;
    case 'cash':
      return labels.cashTendered;
    default:
      return [labels.card, payment.brand ? cardBrandName(payment.brand, language) : null, payment.last4 ? `****${payment.last4}` : null]
        .filter((p): p is string => Boolean(p))
        .join(' ');
  }
}

/** A provider payment (Alipay, WeChat Pay, a Stripe card) carries the provider's trade number. */
const isProviderPayment = (p: Payment) => p.kind === 'alipay' || p.kind === 'wechat_pay' || (p.kind === 'card_integrated' && !!p.reference);

function paymentLines(payment: Payment, doc: ReceiptDoc, width: number, labels: ReceiptLabels): string[] {
  if (payment.kind === 'cash') {
    return leftRight(labels.cashTendered, money(payment.tendered ?? payment.amount, doc), width);
  }
  const out = leftRight(paymentLabel(payment, doc.language), money(payment.amount, doc), width);
  if (isProviderPayment(payment)) {
    // The customer matches these against the record in their app; a dispute starts from them.
    if (payment.reference) out.push(...leftRight(`  ${labels.tradeNo}`, payment.reference, width));
    if (payment.account) out.push(...leftRight(`  ${labels.account}`, payment.account, width));
  }
  return out;
}

export function receiptLines(doc: ReceiptDoc, width: number): ReceiptLine[] {
  const { order } = doc;
  const labels = receiptLabels(doc.language);
  const rule = '-'.repeat(width);
  const out: ReceiptLine[] = [];
  const add = (lines: string[], strong = false) => {
    for (const text of lines) out.push(strong ? { text, strong } : { text });
  };

  add(
    wrapWidth(doc.storeName.trim(), width).map((l) => centerWidth(l, width)),
    true,
  );
  add(wrapWidth(formatDateTime(order.createdAt, doc.language, doc.timezone), width).map((l) => centerWidth(l, width)));
  add(leftRight(labels.order, order.number, width));
  add(leftRight(`${labels.staff} ${order.staffName}`, `${labels.terminal} ${order.terminalCode}`, width));
  add([rule]);

  for (const line of order.lines) add(itemLines(line, doc, width, labels));
  add([rule]);

  add(leftRight(labels.subtotal, money(order.subtotal, doc), width));
  if (order.discountTotal > 0) add(leftRight(labels.discount, money(-order.discountTotal, doc), width));
  for (const bucket of [...order.taxes].sort((a, b) => a.rateBp - b.rateBp)) {
    if (bucket.rateBp === 0 && bucket.tax === 0) continue;
    const label = `${labels.vat} ${formatRate(bucket.rateBp)}${order.priceMode === 'inclusive' ? ` ${labels.inclusive}` : ''}`;
    add(leftRight(label, money(bucket.tax, doc), width));
  }
  add(leftRight(labels.total, money(order.total, doc), width), true);
  add([rule]);

  for (const payment of order.payments) add(paymentLines(payment, doc, width, labels));
  if (order.change > 0 || order.payments.some((p) => p.kind === 'cash')) {
    add(leftRight(labels.change, money(order.change, doc), width));
  }

  const footer = doc.footer.trim();
  if (footer) {
    add([rule]);
    for (const paragraph of footer.split(/\r?\n/)) {
      add(wrapWidth(paragraph.trim(), width).map((l) => centerWidth(l, width)));
    }
  }
  return out;
}

/** The receipt as plain lines of at most `width` display columns. */
export function receiptText(doc: ReceiptDoc, width: number): string[] {
  return receiptLines(doc, width).map((l) => l.text);
}

/**
 * The words under the receipt that go with its QR code: what scanning it does, then the link
 * itself, cut to the paper's width (a URL has no spaces to wrap at), for a customer who types it.
 */
export function onlineLines(doc: ReceiptDoc, width: number): { caption: string[]; url: string[] } | null {
  if (!doc.onlineUrl) return null;
  const caption = wrapWidth(receiptLabels(doc.language).online, width).map((l) => centerWidth(l, width));
  const url: string[] = [];
  for (let i = 0; i < doc.onlineUrl.length; i += width) url.push(doc.onlineUrl.slice(i, i + width));
  return { caption, url };
}
