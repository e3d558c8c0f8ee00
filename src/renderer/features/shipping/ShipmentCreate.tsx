import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CarrierInfo, OrderDetail, Shipment } from '../../../shared/api';
import { COUNTRY_CODES, validateAddress, type Address } from '../../../shared/address';
import type { ApiError } from '../../../shared/errors';
import { formatQty, parseQty } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { addressErrors, describeAfterError } from '../aftersale/errors';
import { localizedName } from '../../lib/names';
import { regionName } from './regions';
import { ordersData } from '../../data/sales';
import { shippingData } from '../../data/shipping';
import { onlineOrdersData } from '../../data/online-orders';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

const FIELDS: (keyof Address)[] = ['name', 'company', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone'];

function defaultCountry(currency: string): string {
  return { USD: 'US', CAD: 'CA', GBP: 'GB', EUR: 'DE', CNY: 'CN', JPY: 'JP', AUD: 'AU', HKD: 'HK', SGD: 'SG' }[currency] ?? 'US';
}

/** Ship some or all of what is left on an order: lines, address (checked per country), parcel, carrier. */
export function ShipmentCreate({ orderId, onCreated }: { orderId: string; onCreated(s: Shipment): void }) {
  const { t, i18n } = useTranslation();
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [carriers, setCarriers] = useState<CarrierInfo[]>([]);
  const [qty, setQty] = useState<Record<string, string>>({});
  const [address, setAddress] = useState<Address>({ name: '', line1: '', city: '', postalCode: '', country: 'US' });
  const [parcel, setParcel] = useState({ kg: '1', l: '30', w: '20', h: '10' });
  const [carrier, setCarrier] = useState('own');
  const [service, setService] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    void ordersData.detail({ id: orderId }).then((r) => {
      if (!r.ok) return setError(r.error);
      setDetail(r.value);
      setQty(Object.fromEntries(r.value.lines.filter((l) => l.toShipQty > 0).map((l) => [l.orderLineId, String(l.toShipQty / 1000)])));
      setAddress((a) => ({
        ...a,
        name: r.value.customer?.name ?? '',
        phone: r.value.customer?.phone ?? null,
        country: defaultCountry(r.value.order.currency),
      }));
      // An online order ships where the buyer asked.
      if (r.value.channel === 'online')
        void onlineOrdersData.get({ id: orderId }).then((o) => o.ok && o.value.address && setAddress(o.value.address));
    });
    void shippingData.carriers({}).then((r) => {
      if (!r.ok) return;
      setCarriers(r.value.filter((c) => c.configured));
      setService(r.value[0]?.services[0]?.id ?? '');
    });
  }, [orderId]);

  const local = useMemo(() => {
    const out: Record<string, string> = {};
    for (const i of validateAddress(address)) if (!out[i.path[1]!]) out[i.path[1]!] = t(`after.addr.${i.code}`);
    return out;
  }, [address, t]);
  const server = addressErrors(t, error);
  const errs = tried ? { ...server, ...local } : server;
  const chosen = carriers.find((c) => c.id === carrier);
  const lines = detail?.lines.filter((l) => l.toShipQty > 0) ?? [];

  const submit = async () => {
    setTried(true);
    setError(null);
    if (Object.keys(local).length > 0) return;
    const picked = lines.flatMap((l) => {
      const q = parseQty(qty[l.orderLineId] ?? '0', l.unit);
      return q && q > 0 ? [{ orderLineId: l.orderLineId, qty: q }] : [];
    });
    const num = (s: string, f: number) => Math.round(Number(s.replace(',', '.')) * f);
    setBusy(true);
    const r = await shippingData.create({
      orderId,
      lines: picked,
      address,
      parcel: { weightG: num(parcel.kg, 1000), lengthMm: num(parcel.l, 10), widthMm: num(parcel.w, 10), heightMm: num(parcel.h, 10) },
      carrier,
      service,
    });
    setBusy(false);
    if (r.ok) onCreated(r.value);
    else setError(r.error);
  };

  if (!detail) return error ? <InlineError text={describeAfterError(t, error)} /> : <p className="muted">{t('common.loading')}</p>;
  const input = (f: keyof Address, extra: { inputMode?: 'tel' | 'text' } = {}) => (
    <Field key={f} label={t(`after.addr.f.${f}`)} error={errs[f]} errorTestId={`addr-error-${f}`}>
      {f === 'country' ? (
        <select value={address.country} onChange={(e) => setAddress({ ...address, country: e.target.value })} data-testid="addr-country">
          {COUNTRY_CODES.map((c) => (
            <option key={c} value={c}>
              {c} · {regionName(c, i18n.language)}
            </option>
          ))}
        </select>
      ) : (
        <input
          value={(address[f] as string | null | undefined) ?? ''}
          onChange={(e) => setAddress({ ...address, [f]: e.target.value })}
          aria-invalid={!!errs[f]}
          data-testid={`addr-${f}`}
          {...extra}
        />
      )}
    </Field>
  );

  return (
    <form
      className="shipment-create"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
      data-testid="shipment-create"
    >
      <h2>{t('after.ship.newFor', { number: detail.order.number })}</h2>
      <Table
        rows={lines}
        rowKey={(l) => l.orderLineId}
        columns={[
          {
            key: 'item',
            header: t('after.item'),
            className: 'ellipsis',
            cell: (l) => localizedName(l.name, l.altName, i18n.language).primary,
          },
          { key: 'left', header: t('after.ship.left'), num: true, cell: (l) => formatQty(l.toShipQty, l.unit, i18n.language) },
          {
            key: 'now',
            header: t('after.ship.now'),
            num: true,
            cell: (l) => (
              <input
                className="qty-input"
                inputMode="decimal"
                value={qty[l.orderLineId] ?? ''}
                onChange={(e) => setQty({ ...qty, [l.orderLineId]: e.target.value })}
                data-testid="ship-qty"
              />
            ),
          },
        ]}
      />
      <h3 className="section-title">{t('after.ship.to')}</h3>
      <div className="field-grid">{FIELDS.map((f) => input(f, f === 'phone' ? { inputMode: 'tel' } : {}))}</div>
      <h3 className="section-title">{t('after.ship.parcel')}</h3>
      <div className="field-grid field-grid-4">
        {(
          [
            ['kg', 'after.ship.weight'],
            ['l', 'after.ship.length'],
            ['w', 'after.ship.width'],
            ['h', 'after.ship.height'],
          ] as const
        ).map(([k, label]) => (
          <Field label={t(label)} key={k}>
            <input
              inputMode="decimal"
              value={parcel[k]}
              onChange={(e) => setParcel({ ...parcel, [k]: e.target.value })}
              data-testid={`parcel-${k}`}
            />
          </Field>
        ))}
      </div>
      <div className="field-grid">
        <Field label={t('after.ship.carrier')}>
          <select
            value={carrier}
            onChange={(e) => {
              setCarrier(e.target.value);
              setService(carriers.find((c) => c.id === e.target.value)?.services[0]?.id ?? '');
            }}
            data-testid="ship-carrier"
          >
            {carriers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.id === 'own' ? t('after.ship.ownCourier') : c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('after.ship.service')}>
          <select value={service} onChange={(e) => setService(e.target.value)} data-testid="ship-service">
            {chosen?.services.map((s) => (
              <option key={s.id} value={s.id}>
                {t(`after.ship.svc.${s.id}`, { defaultValue: s.name })}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <InlineError text={error && Object.keys(server).length === 0 ? describeAfterError(t, error) : null} testId="ship-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-lg" disabled={busy} data-testid="ship-create">
          {busy ? t('common.working') : t('after.ship.createLabel')}
        </button>
      </div>
    </form>
  );
}
