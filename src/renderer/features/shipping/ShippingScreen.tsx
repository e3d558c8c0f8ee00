import '../aftersale/aftersale.css';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CarrierInfo, ShipmentSummary, ShipQueueOrder } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { useFormat } from '../../lib/format';
import { useAfter } from '../../stores/aftersale';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { describeAfterError } from '../aftersale/errors';
import { ShipmentCreate } from './ShipmentCreate';
import { ShipmentDetail } from './ShipmentDetail';
import { shippingData } from '../../data/shipping';
import { onlineOrdersData } from '../../data/online-orders';
import { Field } from '../../components/Field';
import '../online-orders/online-orders.css';
import { Table } from '../../components/Table';

type Pane = { kind: 'create'; orderId: string } | { kind: 'shipment'; id: string } | null;
const FILTERS = ['active', 'all', 'delivered', 'exception', 'returned', 'cancelled'] as const;

export function ShippingScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const [queue, setQueue] = useState<ShipQueueOrder[]>([]);
  const [list, setList] = useState<{ items: ShipmentSummary[]; total: number } | null>(null);
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('active');
  const [q, setQ] = useState('');
  const [pane, setPane] = useState<Pane>(() => {
    const id = useAfter.getState().shipOrder;
    return id && (role === 'manager' || role === 'admin') ? { kind: 'create', orderId: id } : null;
  });
  const [error, setError] = useState<ApiError | null>(null);
  const manager = role === 'manager' || role === 'admin';
  const [short, setShort] = useState<Set<string>>(new Set());

  const load = useCallback(async () => {
    const [a, b] = await Promise.all([
      shippingData.queue({ limit: 100 }),
      shippingData.list({ status: filter, ...(q.trim() ? { q: q.trim() } : {}), offset: 0, limit: 100 }),
    ]);
    if (a.ok) setQueue(a.value);
    if (b.ok) setList(b.value);
    // Managers see which online orders the store is short of.
    if (manager) void onlineOrdersData.shortages({ limit: 500 }).then((r) => r.ok && setShort(new Set(r.value.map((x) => x.orderId))));
    setError(!a.ok ? a.error : !b.ok ? b.error : null);
  }, [filter, q, manager]);
  useEffect(() => {
    const timer = setTimeout(() => void load(), 100);
    return () => clearTimeout(timer);
  }, [load]);
  useEffect(() => {
    useAfter.getState().shipOrderNext(null);
  }, []);

  return (
    <div className="settings-screen">
      <TopBar />
      <main className="orders-main">
        <section className="orders-list card">
          <h1>{t('after.nav.shipping')}</h1>
          <InlineError text={error ? describeAfterError(t, error) : null} />
          <h3 className="section-title">{t('after.ship.queue')}</h3>
          <Table
            className="table table-clickable"
            rows={queue}
            rowKey={(o) => o.orderId}
            rowTestId="ship-queue-row"
            empty={t('after.ship.queueEmpty')}
            columns={[
              {
                key: 'number',
                cell: (o) => (
                  <>
                    {o.number} {o.channel === 'online' && <span className="badge badge-online">{t('online.badge')}</span>}{' '}
                    {short.has(o.orderId) && <span className="badge badge-warn">{t('online.pickup.short')}</span>}
                  </>
                ),
              },
              { key: 'customer', className: 'ellipsis', cell: (o) => o.customerName ?? '' },
              { key: 'time', cell: (o) => fmt.dateTime(o.createdAt) },
              {
                key: 'ship',
                num: true,
                cell: (o) =>
                  manager && (
                    <button
                      type="button"
                      className="btn btn-primary btn-sm"
                      onClick={() => setPane({ kind: 'create', orderId: o.orderId })}
                      data-testid="ship-order"
                    >
                      {t('after.ship.ship')}
                    </button>
                  ),
              },
            ]}
          />
          <h3 className="section-title">{t('after.ship.shipments')}</h3>
          <div className="filter-row">
            <select value={filter} onChange={(e) => setFilter(e.target.value as (typeof FILTERS)[number])} data-testid="ship-filter">
              {FILTERS.map((f) => (
                <option key={f} value={f}>
                  {t(`after.ship.filter.${f}`)}
                </option>
              ))}
            </select>
            <input
              className="after-search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder={t('after.ship.searchPlaceholder')}
              data-testid="ship-search"
            />
          </div>
          <Table
            className="table table-clickable"
            rows={list?.items ?? null}
            rowKey={(s) => s.id}
            rowTestId="shipment-row"
            onRowClick={(s) => setPane({ kind: 'shipment', id: s.id })}
            empty={t('after.ship.none')}
            columns={[
              {
                key: 'tracking',
                header: t('after.ship.tracking'),
                cell: (s) => (
                  <>
                    <button type="button" className="link-button" onClick={() => setPane({ kind: 'shipment', id: s.id })}>
                      {s.trackingNumber}
                    </button>
                    <small className="muted"> {s.orderNumber}</small>
                  </>
                ),
              },
              { key: 'to', header: t('after.ship.to'), className: 'ellipsis', cell: (s) => s.shipToName },
              {
                key: 'status',
                header: t('after.orders.status'),
                cell: (s) => <span className={`badge status-${s.status}`}>{t(`after.status.${s.status}`)}</span>,
              },
            ]}
          />
          {role === 'admin' && <CarrierApiCard />}
        </section>
        <section className="orders-detail card">
          {pane?.kind === 'create' && (
            <ShipmentCreate
              key={pane.orderId}
              orderId={pane.orderId}
              onCreated={(s) => {
                setPane({ kind: 'shipment', id: s.id });
                useNotify.getState().message('info', 'after.ship.created', { tracking: s.trackingNumber });
                void load();
              }}
            />
          )}
          {pane?.kind === 'shipment' && <ShipmentDetail key={pane.id} id={pane.id} onChanged={() => void load()} />}
          {!pane && <p className="muted">{t('after.ship.pick')}</p>}
        </section>
      </main>
    </div>
  );
}

function CarrierApiCard() {
  const { t } = useTranslation();
  const [carriers, setCarriers] = useState<CarrierInfo[] | null>(null);
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void shippingData.carriers({}).then((r) => r.ok && setCarriers(r.value));
  }, []);
  const api = carriers?.find((c) => c.id === 'api');
  return (
    <form
      className="loyalty-card"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await shippingData.setCarrierApi({ config: { name: name.trim(), baseUrl: baseUrl.trim(), apiKey } });
        if (r.ok) {
          setCarriers(r.value);
          setApiKey('');
          setError(null);
          useNotify.getState().message('info', 'after.carrier.saved');
        } else setError(r.error);
      }}
    >
      <h3 className="section-title">{t('after.carrier.title')}</h3>
      <p className="muted">{api?.configured ? t('after.carrier.configured', { name: api.name }) : t('after.carrier.none')}</p>
      <div className="field-grid">
        <Field label={t('after.carrier.name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('after.carrier.url')}>
          <input value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://api.carrier.example" />
        </Field>
        <Field label={t('after.carrier.key')}>
          <input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" />
        </Field>
      </div>
      <InlineError text={error ? describeAfterError(t, error) : null} />
      <button type="submit" className="btn btn-secondary" disabled={!name.trim() || !baseUrl.trim() || !apiKey}>
        {t('common.save')}
      </button>
    </form>
  );
}
