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
      <table className="report-table">
        <thead>
          <tr>
            <th>{t('dashboard.col.customer')}</th>
            <th className="num">{t('dashboard.col.orders')}</th>
            <th className="num">{t('dashboard.col.sales')}</th>
            <th>{t('dashboard.col.lastVisit')}</th>
            <th className="num">{t('dashboard.col.rfm')}</th>
          </tr>
        </thead>
        <tbody>
          {(rows?.items ?? []).map((c) => (
            <tr key={c.customerId} data-testid="segment-customer">
              <td>{c.name ?? c.customerId}</td>
              <td className="num">{c.orders}</td>
              <td className="num">{fmt.money(c.sales)}</td>
              <td>{fmt.dateTime(c.lastAt)}</td>
              <td className="num">{`${c.r} / ${c.f} / ${c.m}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
