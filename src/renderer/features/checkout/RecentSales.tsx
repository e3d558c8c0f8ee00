import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderSummary } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { salesData } from '../../data/sales';

/** The latest sales on this store; a click opens the receipt. */
export function RecentSales({ onClose, onOpen }: { onClose(): void; onOpen(orderId: string): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [orders, setOrders] = useState<OrderSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    void salesData.recent({ limit: 50 }).then((r) => {
      if (!live) return;
      if (r.ok) setOrders(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <Modal title={t('recent.title')} onClose={onClose} size="lg" testId="recent-sales">
      <InlineError text={error ? describeError(t, error) : null} />
      {orders === null && !error && <p className="muted">{t('common.loading')}</p>}
      {orders?.length === 0 && <p className="muted">{t('recent.none')}</p>}
      {orders && orders.length > 0 && (
        <table className="table table-clickable">
          <thead>
            <tr>
              <th>{t('recent.number')}</th>
              <th>{t('recent.time')}</th>
              <th>{t('recent.staff')}</th>
              <th className="num">{t('recent.lines')}</th>
              <th className="num">{t('recent.total')}</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => onOpen(o.id)} data-testid="recent-sale">
                    {o.number}
                  </button>
                </td>
                <td>{fmt.dateTime(o.createdAt)}</td>
                <td className="ellipsis">{o.staffName}</td>
                <td className="num">{o.lineCount}</td>
                <td className="num">
                  <strong>{fmt.money(o.total, o.currency)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}
