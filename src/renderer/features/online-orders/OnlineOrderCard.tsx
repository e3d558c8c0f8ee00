import './online-orders.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnlineOrderInfo } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { onlineOrdersData } from '../../data/online-orders';
import { describeOnlineError } from './errors';

/** A country's name in the screen's language (its code when the browser does not know it). */
function countryName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** What the shop sent with an online order (buyer, fulfilment, address), its shortages and the steps the buyer sees. */
export function OnlineOrderCard({ info, onChanged }: { info: OnlineOrderInfo; onChanged(info: OnlineOrderInfo): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const zh = i18n.language.startsWith('zh');
  const names = info.shippingMethodNames;
  const method = names ? ((zh ? names.nameZh : null) ?? names.name) : info.shippingMethod;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const a = info.address;
  const open = info.state === 'toShip' || info.state === 'toPickUp';
  const packed = info.steps.some((s) => s.kind === 'packed');

  const pack = async () => {
    setBusy(true);
    const r = await onlineOrdersData.markPacked({ id: info.orderId });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    useNotify.getState().message('info', 'online.pack.done', { number: r.value.shopNumber });
    onChanged(r.value);
  };

  return (
    <section className="online-order" data-testid="online-order">
      <p>
        <span className="badge badge-online">{t('online.badge')}</span>{' '}
        <strong data-testid="online-shop-number">{t('online.webOrder', { number: info.shopNumber })}</strong>{' '}
        <span className={`badge online-state-${info.state}`} data-testid="online-state">
          {t(`online.state.${info.state}`)}
        </span>
      </p>
      <dl className="online-facts">
        <dt>{t('online.buyer')}</dt>
        <dd data-testid="online-buyer">{info.contactName}</dd>
        {info.contactPhone && (
          <>
            <dt>{t('online.phone')}</dt>
            <dd>{info.contactPhone}</dd>
          </>
        )}
        {info.contactEmail && (
          <>
            <dt>{t('online.email')}</dt>
            <dd>{info.contactEmail}</dd>
          </>
        )}
        <dt>{t('online.fulfilmentLabel')}</dt>
        <dd data-testid="online-fulfilment">{t(`online.fulfilment.${info.fulfilment}`)}</dd>
        {info.fulfilment === 'ship' && (
          <>
            <dt>{t('online.shipTo')}</dt>
            <dd>
              {a ? (
                <address className="ship-address" data-testid="online-address">
                  {a.name}
                  {a.company && <div>{a.company}</div>}
                  <div>{a.line1}</div>
                  {a.line2 && <div>{a.line2}</div>}
                  <div>{[a.postalCode, a.city, a.region].filter(Boolean).join(' ')}</div>
                  <div>{countryName(a.country, i18n.language)}</div>
                  {a.phone && <div>{a.phone}</div>}
                </address>
              ) : (
                <span className="muted">{t('online.noAddress')}</span>
              )}
              {info.shippingMethod && (
                <div className="muted">{t('online.shipping', { method, amount: fmt.money(info.shippingAmount, info.currency) })}</div>
              )}
            </dd>
          </>
        )}
        {info.buyerNote && (
          <>
            <dt>{t('online.note')}</dt>
            <dd className="online-note">{info.buyerNote}</dd>
          </>
        )}
      </dl>
      {info.shortages.length > 0 && (
        <div className="notice notice-warn" role="alert" data-testid="online-shortage">
          <strong>{t('online.shortage.title')}</strong>
          <ul className="plain-list">
            {info.shortages.map((s) => (
              <li key={s.productId}>
                {t('online.shortage.line', { name: s.name, needed: fmt.qty(s.needed, 'each'), inStock: fmt.qty(s.inStock, 'each') })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {open && !packed && (
        <div className="order-actions">
          <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => void pack()} data-testid="online-pack">
            {t('online.pack.action')}
          </button>
        </div>
      )}
      <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />
      <h3 className="section-title">{t('online.timeline')}</h3>
      {info.steps.length === 0 ? (
        <p className="muted">{t('online.noSteps')}</p>
      ) : (
        <ol className="timeline" data-testid="online-timeline">
          {info.steps.map((s) => (
            <li key={s.id} className="timeline-item" data-testid="online-step">
              <strong>{t(`online.step.${s.kind}`)}</strong> <span className="muted">{fmt.dateTime(s.at)}</span>{' '}
              <small className="muted">
                {s.terminalCode ? t('online.stepBy.till', { code: s.terminalCode }) : t('online.stepBy.shop')}
              </small>
              {(s.carrier || s.tracking) && (
                <div className="muted">{t('online.tracking', { carrier: s.carrier ?? '', tracking: s.tracking ?? '' })}</div>
              )}
              {s.note && <div className="muted">{s.note}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The online part of an order's detail: loaded when the order came from the shop. */
export function OnlineOrderSection({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [info, setInfo] = useState<OnlineOrderInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void onlineOrdersData.get({ id: orderId }).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [orderId]);
  if (error) return <InlineError text={describeOnlineError(t, error, fmt.time)} />;
  if (!info) return null;
  return <OnlineOrderCard info={info} onChanged={setInfo} />;
}
