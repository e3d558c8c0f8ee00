import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CustomerRow, RfmSegment } from '../../../shared/api/insight';
import { Modal } from '../../components/Modal';
import { saveCsv } from '../../lib/save-file';
import { bpToPercentText, useFormat } from '../../lib/format';
import { useDashboard } from '../../stores/dashboard';
import { ChartCard } from './ChartCard';
import { insightData } from '../../data/insight';
import { Table } from '../../components/Table';

function SegmentList({ segment, onClose }: { segment: RfmSegment; onClose(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rows, setRows] = useState<{ items: CustomerRow[]; total: number } | null>(null);
  const [loaded, setLoaded] = useState(false);
  if (!loaded) {
    setLoaded(true);
    void insightData.segment({ segment, limit: 200 }).then((r) => setRows(r.ok ? r.value : { items: [], total: 0 }));
  }
  return (
    <Modal title={`${t(`dashboard.segments.${segment}`)} (${rows?.total ?? '…'})`} onClose={onClose} size="lg" testId="segment-list">
      <div className="chart-tools">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() =>
            saveCsv(
              `${segment}.csv`,
              ['customer', 'name', 'orders', 'sales', 'last', 'r', 'f', 'm'],
              (rows?.items ?? []).map((c) => [c.customerId, c.name, c.orders, c.sales, new Date(c.lastAt).toISOString(), c.r, c.f, c.m]),
            )
          }
        >
          {t('dashboard.csv')}
        </button>
      </div>
      <Table
        className="report-table"
        rows={rows?.items ?? null}
        rowKey={(c) => c.customerId}
        rowTestId="segment-customer"
        loading={t('common.loading')}
        columns={[
          { key: 'customer', header: t('dashboard.col.customer'), cell: (c) => c.name ?? c.customerId },
          { key: 'orders', header: t('dashboard.col.orders'), num: true, cell: (c) => c.orders },
          { key: 'sales', header: t('dashboard.col.sales'), num: true, cell: (c) => fmt.money(c.sales) },
          { key: 'last', header: t('dashboard.col.lastVisit'), cell: (c) => fmt.dateTime(c.lastAt) },
          { key: 'rfm', header: t('dashboard.col.rfm'), num: true, cell: (c) => `${c.r} / ${c.f} / ${c.m}` },
        ]}
      />
    </Modal>
  );
}

/** Repeat-customer rate and RFM segments, each with its list of customers. */
export function CustomersPanel() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const insight = useDashboard((s) => s.customers);
  const [open, setOpen] = useState<RfmSegment | null>(null);
  if (!insight) return null;
  const segs = insight.segments;
  return (
    <>
      <ChartCard
        title={t('dashboard.charts.customers')}
        testId="chart-customers"
        wide
        empty={insight.customers === 0}
        table={{
          columns: [t('dashboard.col.segment'), t('dashboard.col.customers'), t('dashboard.col.sales')],
          rows: segs.map((s) => [t(`dashboard.segments.${s.segment}`), s.customers, fmt.money(s.sales)]),
          numeric: [1, 2],
        }}
        extra={
          <span className="kpi-inline" data-testid="repeat-rate">
            {t('dashboard.customers.repeatRate')}: <strong>{bpToPercentText(insight.repeatRateBp)}%</strong>
          </span>
        }
      >
        <p className="muted">
          {t('dashboard.customers.repeatHint', { repeat: insight.repeatCustomers, customers: insight.customers })} ·{' '}
          {t('dashboard.customers.identified', { count: insight.identifiedOrders })}
        </p>
        <div className="customers-grid">
          <ResponsiveContainer width="100%" height={220}>
            <BarChart
              data={segs.map((s) => ({ name: t(`dashboard.segments.${s.segment}`), value: s.customers }))}
              margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            >
              <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
              <Tooltip />
              <Bar dataKey="value" fill="#7c3aed" isAnimationActive={false} radius={[4, 4, 0, 0]} />
            </BarChart>
          </ResponsiveContainer>
          <ul className="segment-buttons">
            {segs.map((s) => (
              <li key={s.segment}>
                <button
                  type="button"
                  className="chip"
                  disabled={s.customers === 0}
                  onClick={() => setOpen(s.segment)}
                  data-testid={`segment-${s.segment}`}
                >
                  {t(`dashboard.segments.${s.segment}`)} · {s.customers}
                </button>
              </li>
            ))}
          </ul>
        </div>
      </ChartCard>
      {insight.customers === 0 && <p className="muted">{t('dashboard.customers.none')}</p>}
      {open && <SegmentList segment={open} onClose={() => setOpen(null)} />}
    </>
  );
}
