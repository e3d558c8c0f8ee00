import './aftersale.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParkedSale } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { useAfter } from '../../stores/aftersale';
import { useCart } from '../../stores/cart';
import { useNotify } from '../../stores/notify';
import { CustomerPicker } from '../customers/CustomerPicker';
import { describeAfterError } from './errors';
import { cartData, parkedData } from '../../data/sales';
import { Table } from '../../components/Table';
import { useConfirm } from '../../components/Confirm';

/** The checkout's after-sale controls: the sale's customer, ship-to-customer, park and resume. */
export function CheckoutExtras() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const extras = useAfter((s) => s.extras);
  const parkedCount = useAfter((s) => s.parkedCount);
  const cartId = useCart((s) => s.cart?.id ?? null);
  const hasLines = useCart((s) => (s.cart?.lines.length ?? 0) > 0);
  const [picking, setPicking] = useState(false);
  const [parkedOpen, setParkedOpen] = useState(false);

  useEffect(() => {
    void useAfter.getState().loadExtras();
    void useAfter.getState().loadParkedCount();
  }, []);
  // Another cart (a resumed one) has its own customer and fulfilment; no cart has none. The first
  // scan making a cart changes nothing here, so nothing is fetched while the scanner is typing.
  const previous = useRef(cartId);
  useEffect(() => {
    const before = previous.current;
    previous.current = cartId;
    if (cartId === null) useAfter.getState().setExtras({ cartId: null, customer: null, fulfilment: 'now' });
    else if (before !== null && before !== cartId) void useAfter.getState().loadExtras();
  }, [cartId]);

  const setCustomer = async (customerId: string | null) => {
    const r = await cartData.setCustomer({ customerId });
    if (r.ok) {
      useAfter.getState().setExtras(r.value);
      // The customer changes what the lines cost (member prices, member and group promotions).
      await useCart.getState().load();
    } else useNotify.getState().error(r.error);
  };
  const toggleShip = async () => {
    const r = await cartData.setFulfilment({ fulfilment: extras?.fulfilment === 'ship' ? 'now' : 'ship' });
    if (r.ok) {
      useAfter.getState().setExtras(r.value);
      if (!cartId) await useCart.getState().load();
    } else useNotify.getState().error(r.error);
  };
  const park = async () => {
    const r = await parkedData.park({});
    if (!r.ok) {
      useNotify.getState().message('error', 'after.reason.empty');
      return;
    }
    useNotify.getState().message('info', 'after.parked.done', { total: fmt.money(r.value.total) });
    await useCart.getState().reset();
    await useAfter.getState().loadParkedCount();
  };
  const customer = extras?.customer ?? null;

  return (
    <div className="sale-extras" role="toolbar" aria-label={t('after.customer.pick')}>
      {customer ? (
        <span className="customer-chip" data-testid="sale-customer">
          <button type="button" className="link-button" onClick={() => setPicking(true)} title={t('after.customer.change')}>
            {customer.name}
          </button>
          {customer.creditBalance > 0 && <small>{t('after.customer.creditShort', { amount: fmt.money(customer.creditBalance) })}</small>}
          <button type="button" className="icon-button" onClick={() => void setCustomer(null)} aria-label={t('after.customer.detach')}>
            ×
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn-ghost" onClick={() => setPicking(true)} data-testid="attach-customer">
          + {t('after.customer.attach')}
        </button>
      )}
      <label className="check ship-toggle" title={t('after.ship.hint')}>
        <input type="checkbox" checked={extras?.fulfilment === 'ship'} onChange={() => void toggleShip()} data-testid="ship-toggle" />
        <span>{t('after.ship.toggle')}</span>
      </label>
      <button type="button" className="btn btn-ghost" onClick={() => void park()} disabled={!hasLines} data-testid="park-sale">
        {t('after.parked.park')}
      </button>
      <button type="button" className="btn btn-ghost parked-button" onClick={() => setParkedOpen(true)} data-testid="parked-open">
        {t('after.parked.title')}
        {parkedCount > 0 && <span className="count-pill">{parkedCount}</span>}
      </button>
      {picking && (
        <CustomerPicker
          onClose={() => setPicking(false)}
          onPick={(c) => {
            setPicking(false);
            void setCustomer(c.id);
          }}
        />
      )}
      {parkedOpen && <ParkedDialog onClose={() => setParkedOpen(false)} />}
    </div>
  );
}

function ParkedDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [list, setList] = useState<ParkedSale[] | null>(null);
  const ask = useConfirm();
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void parkedData.list({}).then((r) => (r.ok ? setList(r.value) : setError(r.error)));
  }, []);
  const resume = async (cartId: string) => {
    const r = await parkedData.resume({ cartId });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    await useCart.getState().reset();
    await Promise.all([useAfter.getState().loadParkedCount(), useAfter.getState().loadExtras()]);
    if (r.value.parked) useNotify.getState().message('info', 'after.parked.swapped');
    onClose();
  };
  const discard = async (cartId: string) => {
    if (!(await ask.confirm(t('after.parked.discardConfirm')))) return;
    const r = await parkedData.discard({ cartId });
    if (r.ok) {
      setList(r.value);
      await useAfter.getState().loadParkedCount();
    } else setError(r.error);
  };
  return (
    <Modal title={t('after.parked.title')} onClose={onClose} size="lg" testId="parked-dialog">
      <InlineError text={error ? describeAfterError(t, error) : null} />
      <Table
        rows={list}
        rowKey={(p) => p.cartId}
        rowTestId="parked-row"
        empty={t('after.parked.none')}
        columns={[
          {
            key: 'when',
            header: t('after.parked.when'),
            cell: (p) => (
              <>
                {fmt.dateTime(p.parkedAt)}
                {p.note && <small className="muted"> · {p.note}</small>}
              </>
            ),
          },
          { key: 'by', header: t('after.parked.by'), testId: 'parked-by', cell: (p) => p.parkedByName },
          { key: 'customer', header: t('after.customer.title'), className: 'ellipsis', cell: (p) => p.customerName ?? '—' },
          { key: 'items', header: t('after.parked.items'), num: true, cell: (p) => p.lineCount },
          { key: 'total', header: t('after.total'), num: true, cell: (p) => <strong>{fmt.money(p.total)}</strong> },
          {
            key: 'actions',
            header: '',
            num: true,
            className: 'actions-cell',
            cell: (p) => (
              <>
                <button type="button" className="btn btn-primary btn-sm" onClick={() => void resume(p.cartId)} data-testid="parked-resume">
                  {t('after.parked.resume')}
                </button>{' '}
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => void discard(p.cartId)}>
                  {t('after.parked.discard')}
                </button>
              </>
            ),
          },
        ]}
      />
      {ask.dialog}
    </Modal>
  );
}

/** In the payment dialog: pay with the attached customer's store credit (never more than is due). */
export function StoreCreditTender({ due, used, onAdd }: { due: number; used: number; onAdd(amount: number): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const customer = useAfter((s) => s.extras?.customer ?? null);
  if (!customer || customer.creditBalance <= 0) return null;
  const amount = Math.min(customer.creditBalance - used, due);
  return (
    <button
      type="button"
      className="btn btn-secondary btn-block"
      disabled={amount <= 0}
      onClick={() => onAdd(amount)}
      data-testid="use-store-credit"
    >
      {t('after.credit.use', { name: customer.name, amount: fmt.money(amount), balance: fmt.money(customer.creditBalance - used) })}
    </button>
  );
}
