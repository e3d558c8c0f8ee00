import '../aftersale/aftersale.css';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnlineOrderInfo, PickupRow, ShortageRow } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { Field } from '../../components/Field';
import { InlineError } from '../../components/ErrorBanner';
import { Table } from '../../components/Table';
import { TopBar } from '../../components/TopBar';
import { useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';
import { useAfter } from '../../stores/aftersale';
import { useNotify } from '../../stores/notify';
import { onlineOrdersData } from '../../data/online-orders';
import { describeOnlineError } from './errors';
import { OnlineOrderCard } from './OnlineOrderCard';
import { InvoiceQueue } from '../invoices/InvoiceQueue';
import { OnlineReturns } from './OnlineReturns';
import { ShopSettings } from './ShopSettings';

type Tab = 'pickup' | 'shortages' | 'returns' | 'invoices' | 'settings';

/** Online orders at the counter: pick-up orders handed over on the buyer's code, and (managers) the orders short of stock. */
export function OnlineOrdersScreen() {
  const { t } = useTranslation();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const manager = role === 'manager' || role === 'admin';
  const [tab, setTab] = useState<Tab>('pickup');
  const [selected, setSelected] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return (
    <div className="settings-screen">
      <TopBar />
      <main className="orders-main">
        <section className="orders-list card">
          <h1>{t('online.nav')}</h1>
          <div className="tabs" role="tablist">
            {(manager ? (['pickup', 'shortages', 'returns', 'invoices', 'settings'] as const) : (['pickup'] as const)).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={tab === k}
                className={`tab${tab === k ? ' tab-active' : ''}`}
                onClick={() => setTab(k)}
                data-testid={`online-tab-${k}`}
              >
                {t(`online.tabs.${k}`)}
              </button>
            ))}
          </div>
          {tab === 'pickup' ? (
            <PickupList selected={selected} onSelect={setSelected} tick={tick} />
          ) : tab === 'invoices' ? (
            <InvoiceQueue />
          ) : tab === 'returns' ? (
            <OnlineReturns />
          ) : tab === 'settings' ? (
            <ShopSettings />
          ) : (
            <Shortages />
          )}
        </section>
        <section className="orders-detail card">
          {tab === 'pickup' && selected ? (
            <HandOver
              key={selected}
              orderId={selected}
              onDone={() => {
                setSelected(null);
                refresh();
              }}
              onChanged={refresh}
            />
          ) : (
            <p className="muted">
              {tab === 'pickup'
                ? t('online.pickup.pick')
                : tab === 'invoices'
                  ? t('invoices.hint')
                  : tab === 'returns'
                    ? t('online.returns.pick')
                    : tab === 'settings'
                      ? t('online.settings.pick')
                      : t('online.shortage.pick')}
            </p>
          )}
        </section>
      </main>
    </div>
  );
}

function PickupList({ selected, onSelect, tick }: { selected: string | null; onSelect(id: string): void; tick: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<PickupRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const r = await onlineOrdersData.pickups({ ...(q.trim() ? { q: q.trim() } : {}), limit: 100 });
    if (r.ok) {
      setRows(r.value);
      setError(null);
    } else setError(r.error);
  }, [q]);
  useEffect(() => {
    const timer = setTimeout(() => void load(), 120);
    return () => clearTimeout(timer);
  }, [load, tick]);

  return (
    <div>
      <input
        className="after-search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder={t('online.pickup.search')}
        aria-label={t('online.pickup.search')}
        maxLength={100}
        data-testid="pickup-search"
      />
      <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />
      <Table
        className="table table-clickable"
        rows={rows}
        rowKey={(r) => r.orderId}
        rowTestId="pickup-row"
        rowClassName={(r) => (r.orderId === selected ? 'row-selected' : undefined)}
        onRowClick={(r) => onSelect(r.orderId)}
        empty={t('online.pickup.empty')}
        emptyTestId="pickup-empty"
        columns={[
          {
            key: 'order',
            header: t('online.col.order'),
            cell: (r) => (
              <>
                <strong className="nowrap">{r.shopNumber}</strong>
                <div className="muted">{fmt.dateTime(r.createdAt)}</div>
              </>
            ),
          },
          {
            key: 'buyer',
            header: t('online.col.buyer'),
            className: 'ellipsis',
            cell: (r) => (
              <>
                {r.contactName}
                {r.contactPhone && <div className="muted">{r.contactPhone}</div>}
              </>
            ),
          },
          { key: 'total', header: t('online.col.total'), num: true, cell: (r) => fmt.money(r.total, r.currency) },
          {
            key: 'status',
            header: t('online.col.status'),
            cell: (r) => (
              <span className="online-badges">
                <span className={`badge ${r.ready ? 'badge-ok' : ''}`}>
                  {r.ready ? t('online.pickup.ready') : t('online.pickup.notReady')}
                </span>
                {r.short && <span className="badge badge-warn">{t('online.pickup.short')}</span>}
                {r.lockedUntil !== null && (
                  <span className="badge badge-warn">{t('online.pickup.locked', { time: fmt.time(r.lockedUntil) })}</span>
                )}
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}

/** The buyer shows their code; the clerk types it and hands the goods over when it matches. */
function HandOver({ orderId, onDone, onChanged }: { orderId: string; onDone(): void; onChanged(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [info, setInfo] = useState<OnlineOrderInfo | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void onlineOrdersData.get({ id: orderId }).then((r) => (r.ok ? setInfo(r.value) : setError(r.error)));
  }, [orderId]);

  const submit = async () => {
    setBusy(true);
    const r = await onlineOrdersData.handOver({ id: orderId, code: code.trim() });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      setCode('');
      onChanged();
      return;
    }
    useNotify.getState().message('info', 'online.pickup.done', { number: r.value.shopNumber });
    onDone();
  };

  if (!info) return <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />;
  return (
    <div data-testid="handover">
      <OnlineOrderCard
        info={info}
        onChanged={(next) => {
          setInfo(next);
          onChanged();
        }}
      />
      <p>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            useAfter.getState().openOrder(info.orderId);
            useApp.getState().go('orders');
          }}
        >
          {info.number}
        </button>{' '}
        · {fmt.money(info.total, info.currency)}
      </p>
      {info.state === 'toPickUp' && (
        <form
          className="handover-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (code.trim()) void submit();
          }}
        >
          <Field label={t('online.pickup.code')} hint={t('online.pickup.codeHint')}>
            <input
              value={code}
              onChange={(e) => setCode(e.target.value)}
              maxLength={32}
              autoComplete="off"
              inputMode="text"
              autoFocus
              data-testid="pickup-code"
            />
          </Field>
          <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} testId="pickup-error" />
          <button type="submit" className="btn btn-primary" disabled={busy || !code.trim()} data-testid="pickup-submit">
            {t('online.pickup.handOver')}
          </button>
        </form>
      )}
    </div>
  );
}

function Shortages() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rows, setRows] = useState<ShortageRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void onlineOrdersData.shortages({ limit: 200 }).then((r) => (r.ok ? setRows(r.value) : setError(r.error)));
  }, []);
  return (
    <div>
      <p className="muted">{t('online.shortage.intro')}</p>
      <InlineError text={error ? describeOnlineError(t, error, fmt.time) : null} />
      <Table
        className="table table-clickable"
        rows={rows}
        rowKey={(r) => `${r.orderId}:${r.productId}`}
        rowTestId="shortage-row"
        onRowClick={(r) => {
          useAfter.getState().openOrder(r.orderId);
          useApp.getState().go('orders');
        }}
        empty={t('online.shortage.none')}
        emptyTestId="shortage-empty"
        columns={[
          {
            key: 'order',
            header: t('online.col.order'),
            cell: (r) => (
              <>
                <strong>{r.shopNumber}</strong> <small className="muted">{t(`online.fulfilment.${r.fulfilment}`)}</small>
                <div className="muted">{fmt.dateTime(r.createdAt)}</div>
              </>
            ),
          },
          { key: 'product', header: t('online.col.product'), className: 'ellipsis', cell: (r) => r.name },
          { key: 'needed', header: t('online.col.needed'), num: true, cell: (r) => fmt.qty(r.needed, 'each') },
          { key: 'stock', header: t('online.col.inStock'), num: true, cell: (r) => fmt.qty(r.inStock, 'each') },
        ]}
      />
    </div>
  );
}
