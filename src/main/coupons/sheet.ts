/**
 * A printable A4 sheet of coupon codes: 3 × 8 cards (the label sheet's layout), each with the
 * campaign's name, what it gives, the code in groups of four and its QR code (which the till's scan
 * box reads as the code). Loaded on first use, like the shelf labels: pdf-lib and bwip-js stay out
 * of the start-up bundle.
 */
import { PDFDocument, rgb, type PDFImage } from 'pdf-lib';
import { formatMoney } from '../../shared/money';
import type { Deps } from '../deps';
import { readSettings } from '../settings/settings';
import { PdfText } from '../pdf/text';
import { barcodePng, MM, SHEET } from '../labels/labels';
import { getCampaign } from './campaigns';
import type { SqlRow } from '../db/rows';
import type { couponCodes } from '../db/schema';

export async function codesPdf(
  deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>,
  input: { campaignId: string; offset?: number; limit?: number; status?: 'all' | 'unused' },
): Promise<{ base64: string; codes: number; fileName: string }> {
  const campaign = getCampaign(deps, input.campaignId);
  const settings = readSettings(deps);
  const unusedOnly = input.status === 'unused';
  const codes = deps.sqlite
    .prepare(
      `SELECT c.code FROM coupon_codes c WHERE c.campaign_id = ?
         AND (? = 0 OR NOT EXISTS (SELECT 1 FROM coupon_redemptions r WHERE r.code = c.code AND r.kind = 'redeem'
                                   AND NOT EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.reverses_id = r.id)))
       ORDER BY c.seq LIMIT ? OFFSET ?`,
    )
    .pluck()
    .all(campaign.id, unusedOnly ? 1 : 0, input.limit ?? 240, input.offset ?? 0) as SqlRow<typeof couponCodes>['code'][];
  const zh = settings.language === 'zh-CN';
  const name = zh && campaign.nameZh ? campaign.nameZh : campaign.name;
  const off =
    campaign.reward.off.kind === 'percent'
      ? `${campaign.reward.off.bp / 100}%`
      : formatMoney(campaign.reward.off.minor, settings.currency, settings.language);
  const offLine = zh ? `优惠 ${off}` : `${off} off`;

  const doc = await PDFDocument.create();
  doc.setTitle(`Coupons: ${campaign.name}`);
  doc.setCreator('Countertop');
  const text = await PdfText.create(doc);
  const perPage = SHEET.columns * SHEET.rows;
  const size = SHEET.label;
  let page = null as ReturnType<typeof doc.addPage> | null;
  for (let n = 0; n < codes.length; n++) {
    const code = codes[n]!;
    const slot = n % perPage;
    if (slot === 0) page = doc.addPage([SHEET.page.width, SHEET.page.height]);
    const x0 = SHEET.margin.left + (slot % SHEET.columns) * SHEET.pitch.x;
    const top = SHEET.page.height - SHEET.margin.top - Math.floor(slot / SHEET.columns) * SHEET.pitch.y;
    const pad = 2.5 * MM;
    // The QR code on the left at the card's full height; the words beside it.
    const image: PDFImage = await doc.embedPng(await barcodePng(code, 'qrcode'));
    const side = size.height - 2 * pad;
    page!.drawImage(image, { x: x0 + pad, y: top - pad - side, width: side, height: side });
    const tx = x0 + pad + side + 2 * MM;
    const room = size.width - (tx - x0) - pad;
    let y = top - pad - 9;
    text.draw(page!, text.fit(name, 9, room, true), { x: tx, y, size: 9, bold: true });
    y -= 13;
    text.draw(page!, text.fit(offLine, 9, room), { x: tx, y, size: 9 });
    // The code in full on two lines (a card is too narrow for one): never cut short.
    const groups = code.match(/.{1,4}/g)!;
    y -= 16;
    text.draw(page!, groups.slice(0, 2).join('-'), { x: tx, y, size: 10, bold: true });
    y -= 13;
    text.draw(page!, groups.slice(2).join('-'), { x: tx, y, size: 10, bold: true });
    page!.drawRectangle({
      x: x0 + 1,
      y: top - size.height + 1,
      width: size.width - 2,
      height: size.height - 2,
      borderColor: rgb(0.8, 0.8, 0.8),
      borderWidth: 0.5,
    });
  }
  if (codes.length === 0) doc.addPage([SHEET.page.width, SHEET.page.height]);
  const bytes = await doc.save();
  return { base64: Buffer.from(bytes).toString('base64'), codes: codes.length, fileName: `coupons-${campaign.id.slice(-8)}.pdf` };
}
