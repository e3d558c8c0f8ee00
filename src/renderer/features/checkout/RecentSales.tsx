import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderSummary } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Table } from '../../components/Table';
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
      <Table
        className="table table-clickable"
        rows={orders}
        rowKey={(o) => o.id}
        loading={error ? undefined : t('common.loading')}
        empty={t('recent.none')}
        columns={[
          {
            key: 'number',
            header: t('recent.number'),
            cell: (o) => (
              <button type="button" className="link-button" onClick={() => onOpen(o.id)} data-testid="recent-sale">
                {o.number}
              </button>
            ),
          },
          { key: 'time', header: t('recent.time'), cell: (o) => fmt.dateTime(o.createdAt) },
          { key: 'staff', header: t('recent.staff'), className: 'ellipsis', cell: (o) => o.staffName },
          { key: 'lines', header: t('recent.lines'), num: true, cell: (o) => o.lineCount },
          { key: 'total', header: t('recent.total'), num: true, cell: (o) => <strong>{fmt.money(o.total, o.currency)}</strong> },
        ]}
      />
    </Modal>
  );
}
