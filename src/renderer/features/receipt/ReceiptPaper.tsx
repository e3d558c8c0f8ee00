import { useTranslation } from 'react-i18next';
import { cardBrandName } from '../../../shared/card-brands';
import type { ReceiptDoc } from '../../../shared/api';
import { receiptLineAmount } from '../../../shared/pricing';
import { Barcode } from '../../components/Barcode';
import { QrCode } from '../../components/QrCode';
import { bpToPercentText, makeFormatters } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { isWeighed } from '../../../shared/units';

/**
 * The customer's receipt, in the store's language, currency and timezone (the same facts the
 * thermal printer gets). Laid out for an 80 mm roll; the print stylesheet prints only this.
 */
export function ReceiptPaper({ doc, testId }: { doc: ReceiptDoc; testId?: string }) {
  const { i18n } = useTranslation();
  const t = i18n.getFixedT(doc.language);
  const { order } = doc;
  const fmt = makeFormatters(doc.language, order.currency, doc.timezone);
  const money = (m: number) => fmt.money(m, order.currency);
  const inclusive = order.priceMode === 'inclusive';

  return (
    <article className="receipt-paper" data-testid={testId} lang={doc.language}>
      <header className="rc-head">
        <h3 className="rc-store">{doc.storeName}</h3>
        <div className="rc-meta">
          <span>{fmt.dateTime(order.createdAt, doc.timezone)}</span>
          <span data-testid={testId ? 'receipt-number' : undefined}>
            {t('receipt.order')} {order.number}
          </span>
          <span>
            {t('receipt.cashier')}: {order.staffName} · {t('receipt.terminal')} {order.terminalCode}
          </span>
        </div>
      </header>
      <hr />
      <ul className="rc-lines">
        {order.lines.map((l) => {
          const amount = receiptLineAmount(l, inclusive ? 'inclusive' : 'exclusive');
          const n = localizedName(l.name, l.altName, doc.language);
          return (
            <li key={l.id} className="rc-line">
              <div className="rc-row">
                <span className="rc-name">{n.primary}</span>
                <span className="rc-amount">{money(amount)}</span>
              </div>
              {n.secondary && <div className="rc-alt">{n.secondary}</div>}
              <div className="rc-sub">
                {fmt.qtyUnit(l.qty, l.unit)} × {money(l.unitPrice)}
                {isWeighed(l.unit) ? `/${t(`units.${l.unit}`)}` : ''}
              </div>
              {/* Each promotion or coupon under the name the sale showed; the rest of the discount as one row. */}
              {(l.promotions ?? []).map((p) => (
                <div className="rc-row rc-sub" key={p.promotionId} data-testid="receipt-promotion">
                  <span>{doc.language === 'zh-CN' && p.nameZh ? p.nameZh : p.name}</span>
                  <span>−{money(p.amount)}</span>
                </div>
              ))}
              {l.discount - (l.promotions ?? []).reduce((s, p) => s + p.amount, 0) > 0 && (
                <div className="rc-row rc-sub">
                  <span>{t('receipt.discount')}</span>
                  <span>−{money(l.discount - (l.promotions ?? []).reduce((s, p) => s + p.amount, 0))}</span>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <hr />
      <div className="rc-row">
        <span>{t('receipt.subtotal')}</span>
        <span>{money(order.subtotal)}</span>
      </div>
      {order.discountTotal > 0 && (
        <div className="rc-row">
          <span>{t('receipt.discountTotal')}</span>
          <span>−{money(order.discountTotal)}</span>
        </div>
      )}
      {order.taxes
        .filter((tx) => tx.rateBp > 0 || tx.tax > 0)
        .map((tx) => (
          <div className="rc-row rc-tax" key={tx.rateBp}>
            <span>
              {t(inclusive ? 'receipt.taxIncluded' : 'receipt.tax', { rate: bpToPercentText(tx.rateBp) })}
              <small>
                {' '}
                ({t('receipt.taxBase')} {money(tx.base)})
              </small>
            </span>
            <span>{money(tx.tax)}</span>
          </div>
        ))}
      <div className="rc-row rc-total">
        <span>{t('receipt.total')}</span>
        <span data-testid={testId ? 'receipt-total' : undefined}>{money(order.total)}</span>
      </div>
      <hr />
      {order.payments.map((p) => (
        <div key={p.id}>
          <div className="rc-row">
            <span>
              {t(`tender.${p.kind}`)}
              {p.brand || p.last4 ? ` ${p.brand ? cardBrandName(p.brand, doc.language) : ''}${p.last4 ? ` ••••${p.last4}` : ''}` : ''}
            </span>
            <span>{money(p.tendered ?? p.amount)}</span>
          </div>
          {/* A provider payment carries the provider's trade number and the buyer's masked account. */}
          {(p.kind === 'alipay' || p.kind === 'wechat_pay' || (p.kind === 'card_integrated' && p.reference)) && (
            <>
              {p.reference && (
                <div className="rc-row rc-sub" data-testid={testId ? 'receipt-trade-no' : undefined}>
                  <span>{t('pay.tradeNo')}</span>
                  <span>{p.reference}</span>
                </div>
              )}
              {p.account && (
                <div className="rc-row rc-sub" data-testid={testId ? 'receipt-account' : undefined}>
                  <span>{t('pay.account')}</span>
                  <span>{p.account}</span>
                </div>
              )}
            </>
          )}
        </div>
      ))}
      {order.change > 0 && (
        <div className="rc-row rc-change">
          <span>{t('receipt.change')}</span>
          <span>{money(order.change)}</span>
        </div>
      )}
      <div className="rc-barcode">
        <Barcode text={order.number} label={`${t('receipt.order')} ${order.number}`} testId={testId ? 'receipt-barcode' : undefined} />
      </div>
      {doc.onlineUrl && (
        <div className="rc-online" data-testid={testId ? 'receipt-online' : undefined}>
          <p className="rc-sub">{t('receipt.online')}</p>
          <QrCode text={doc.onlineUrl} label={t('receipt.onlineQr')} testId={testId ? 'receipt-online-qr' : undefined} />
          <p className="rc-url">{doc.onlineUrl}</p>
        </div>
      )}
      {doc.footer && <p className="rc-footer">{doc.footer}</p>}
    </article>
  );
}
