import '../shifts/shifts.css';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import type { Kpis, SeriesPoint } from '../../../shared/api/insight';
import { currencyDigits } from '../../../shared/money';
import { isIsoDate } from '../../../shared/business-day';
import { describeError } from '../../lib/errors';
import { bpToPercentText, useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useApp } from '../../stores/app';
import { useDashboard, type Granularity } from '../../stores/dashboard';
import { TopBar } from '../../components/TopBar';
import { ChartCard } from './ChartCard';
import { itemsText } from './items-text';
import { CustomersPanel } from './CustomersPanel';
import { ProductPerformance } from './ProductPerformance';
import { ChannelSplit, OnlineShop } from './OnlinePanel';
import { Field } from '../../components/Field';
import './dashboard.css';

const COLORS = ['#2563eb', '#059669', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

type Metric = 'revenue' | 'orders' | 'avgBasket' | 'margin';

/** Minor units as a plain decimal for CSV files. */
function decimal(minor: number, currency: string): string {
  const d = currencyDigits(currency);
  return d === 0 ? String(minor) : (minor / 10 ** d).toFixed(d);
}

function change(cur: number, prev: number | undefined): number | null {
  if (prev === undefined || prev === 0) return null;
  return Math.round(((cur - prev) * 10000) / Math.abs(prev));
}

function Kpi({ label, value, delta, testId, sub }: { label: string; value: string; delta: number | null; testId: string; sub?: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div className="kpi card" data-testid={testId}>
      <span className="kpi-label">{label}</span>
      <strong className="kpi-value" data-testid={`${testId}-value`}>
        {value}
      </strong>
      {sub && <span className="kpi-sub">{sub}</span>}
      {delta !== null && (
        <span className={`kpi-delta ${delta >= 0 ? 'kpi-up' : 'kpi-down'}`}>
          {t('dashboard.kpi.vsPrev', { change: `${delta >= 0 ? '+' : ''}${fmt.percent(delta)}` })}
        </span>
      )}
    </div>
  );
}

function Controls() {
  const { t } = useTranslation();
  const s = useDashboard();
  // Remounted (key) when the store's range changes, e.g. by a preset.
  const [from, setFrom] = useState(s.from);
  const [to, setTo] = useState(s.to);
  const invalid = isIsoDate(from) && isIsoDate(to) && to < from;
  const apply = () => {
    if (!isIsoDate(from) || !isIsoDate(to) || invalid) return;
    s.setRange(from, to);
    void s.load();
  };
  return (
    <section className="card dash-controls">
      <div className="dash-range">
        <Field label={t('dashboard.from')}>
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" />
        </Field>
        <Field label={t('dashboard.to')}>
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" />
        </Field>
        <button type="button" className="btn btn-primary" disabled={invalid} onClick={apply} data-testid="range-apply">
          {t('dashboard.apply')}
        </button>
        <div className="dash-presets">
          {(
            [
              ['today', 1],
              ['d7', 7],
              ['d30', 30],
              ['d90', 90],
              ['year', 365],
            ] as const
          ).map(([k, days]) => (
            <button key={k} type="button" className="chip" onClick={() => s.preset(days)} data-testid={`preset-${k}`}>
              {t(`dashboard.presets.${k}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="dash-range">
        <label className="check">
          <input type="checkbox" checked={s.compare} onChange={(e) => s.setCompare(e.target.checked)} data-testid="range-compare" />
          <span>{t('dashboard.compare')}</span>
        </label>
        {s.summary?.previous && (
          <span className="muted">{t('dashboard.previous', { from: s.summary.previous.from, to: s.summary.previous.to })}</span>
        )}
      </div>
      {invalid && (
        <p className="inline-error" role="alert" data-testid="range-error">
          {t('dashboard.rangeError')}
        </p>
      )}
      {s.error && <p className="inline-error">{describeError(t, s.error)}</p>}
    </section>
  );
}

function RangeControls() {
  const from = useDashboard((s) => s.from);
  const to = useDashboard((s) => s.to);
  return <Controls key={`${from}|${to}`} />;
}

function Kpis() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const summary = useDashboard((s) => s.summary);
  if (!summary) return null;
  const c = summary.current;
  const p: Kpis | undefined = summary.previous?.kpis;
  return (
    <div className="kpis">
      <Kpi label={t('dashboard.kpi.revenue')} value={fmt.money(c.revenue)} delta={change(c.revenue, p?.revenue)} testId="kpi-revenue" />
      <Kpi label={t('dashboard.kpi.orders')} value={String(c.orders)} delta={change(c.orders, p?.orders)} testId="kpi-orders" />
      <Kpi
        label={t('dashboard.kpi.avgBasket')}
        value={fmt.money(c.avgBasket)}
        delta={change(c.avgBasket, p?.avgBasket)}
        testId="kpi-basket"
      />
      <Kpi
        label={t('dashboard.kpi.margin')}
        value={fmt.money(c.margin)}
        sub={`${bpToPercentText(Math.max(0, c.marginBp))}%`}
        delta={change(c.margin, p?.margin)}
        testId="kpi-margin"
      />
      <Kpi label={t('dashboard.kpi.returnsRate')} value={`${bpToPercentText(c.returnsRateBp)}%`} delta={null} testId="kpi-returns" />
      <Kpi
        label={t('dashboard.kpi.items')}
        value={itemsText(t, fmt, c.items, c.weightGrams)}
        delta={change(c.items, p?.items)}
        testId="kpi-items"
      />
    </div>
  );
}

function OverTime() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const series = useDashboard((s) => s.series);
  const granularity = useDashboard((s) => s.granularity);
  const setGranularity = useDashboard((s) => s.setGranularity);
  const [metric, setMetric] = useState<Metric>('revenue');
  const points = series?.points ?? [];
  const prev = series?.previous ?? null;
  const isMoney = metric !== 'orders';
  const data = points.map((p, i) => ({ label: p.start, value: p[metric], previous: prev?.[i]?.[metric] ?? null }));
  const cur = fmt.currency;
  const label = (p: SeriesPoint) => (p.start === p.end ? p.start : `${p.start} – ${p.end}`);
  return (
    <ChartCard
      title={t('dashboard.charts.overTime')}
      testId="chart-time"
      wide
      empty={points.every((p) => p.orders === 0 && p.refundAmount === 0)}
      extra={
        <>
          <select
            value={metric}
            onChange={(e) => setMetric(e.target.value as Metric)}
            aria-label={t('dashboard.charts.metric')}
            data-testid="time-metric"
          >
            <option value="revenue">{t('dashboard.kpi.revenue')}</option>
            <option value="orders">{t('dashboard.kpi.orders')}</option>
            <option value="avgBasket">{t('dashboard.kpi.avgBasket')}</option>
            <option value="margin">{t('dashboard.kpi.margin')}</option>
          </select>
          <div className="segmented" role="group">
            {(['day', 'week', 'month'] as Granularity[]).map((g) => (
              <button
                key={g}
                type="button"
                className={`segment${granularity === g ? ' segment-active' : ''}`}
                onClick={() => setGranularity(g)}
                data-testid={`granularity-${g}`}
              >
                {t(`dashboard.granularity.${g}`)}
              </button>
            ))}
          </div>
        </>
      }
      table={{
        columns: [
          t('dashboard.col.period'),
          t('dashboard.col.revenue'),
          t('dashboard.col.orders'),
          t('dashboard.col.avgBasket'),
          t('dashboard.col.margin'),
          t('dashboard.col.refunds'),
        ],
        rows: points.map((p) => [
          label(p),
          fmt.money(p.revenue),
          p.orders,
          fmt.money(p.avgBasket),
          fmt.money(p.margin),
          fmt.money(p.refundAmount),
        ]),
        csv: points
          .map((p) => [
            p.start,
            p.end,
            decimal(p.revenue, cur),
            p.orders,
            decimal(p.avgBasket, cur),
            decimal(p.margin, cur),
            decimal(p.refundAmount, cur),
          ])
          .map((r) => [`${r[0]}..${r[1]}`, ...r.slice(2)]),
        numeric: [1, 2, 3, 4, 5],
      }}
    >
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
          <YAxis tick={{ fontSize: 11 }} width={72} tickFormatter={(v: number) => (isMoney ? fmt.money(v) : String(v))} />
          <Tooltip formatter={(v) => (isMoney ? fmt.money(Number(v)) : String(v))} />
          <Legend />
          <Line
            type="monotone"
            dataKey="value"
            name={t(`dashboard.kpi.${metric}`)}
            stroke={COLORS[0]}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {prev && (
            <Line
              type="monotone"
              dataKey="previous"
              name={t('dashboard.col.previous')}
              stroke="#94a3b8"
              strokeDasharray="5 4"
              dot={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

function Heatmap() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const cells = useDashboard((s) => s.heatmap);
  const days = t('dashboard.weekdays', { returnObjects: true }) as string[];
  const max = Math.max(1, ...cells.map((c) => c.sales));
  const W = 1150;
  const H = 250;
  const cellW = (W - 60 - 16) / 24;
  const cellH = (H - 30 - 10) / 7;
  const byKey = new Map(cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  return (
    <ChartCard
      title={t('dashboard.charts.heatmap')}
      testId="chart-heatmap"
      wide
      empty={cells.length === 0}
      table={{
        columns: [t('dashboard.col.weekday'), ...Array.from({ length: 24 }, (_, h) => String(h))],
        rows: days.map((d, w) => [d, ...Array.from({ length: 24 }, (_, h) => byKey.get(`${w}:${h}`)?.orders ?? 0)]),
        numeric: Array.from({ length: 24 }, (_, i) => i + 1),
      }}
    >
      <div className="heatmap-scroll">
        <ScatterChart width={W} height={H} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
          <XAxis type="number" dataKey="hour" domain={[-0.5, 23.5]} ticks={[0, 3, 6, 9, 12, 15, 18, 21]} tick={{ fontSize: 11 }} />
          <YAxis
            type="number"
            dataKey="weekday"
            domain={[-0.5, 6.5]}
            reversed
            ticks={[0, 1, 2, 3, 4, 5, 6]}
            tickFormatter={(v: number) => days[v] ?? ''}
            width={60}
            tick={{ fontSize: 11 }}
          />
          <ZAxis type="number" dataKey="sales" range={[1, 1]} />
          <Tooltip
            cursor={false}
            formatter={(v, name) => (name === 'sales' ? fmt.money(Number(v)) : String(v))}
            labelFormatter={() => ''}
          />
          <Scatter
            data={cells}
            isAnimationActive={false}
            shape={(props: { cx?: number; cy?: number; payload?: { sales: number } }) => {
              const a = 0.12 + 0.88 * ((props.payload?.sales ?? 0) / max);
              return (
                <rect
                  x={(props.cx ?? 0) - cellW / 2 + 1}
                  y={(props.cy ?? 0) - cellH / 2 + 1}
                  width={cellW - 2}
                  height={cellH - 2}
                  rx={3}
                  fill={`rgba(37, 99, 235, ${a.toFixed(3)})`}
                />
              );
            }}
          />
        </ScatterChart>
      </div>
    </ChartCard>
  );
}

function HBar({ data, money }: { data: { name: string; value: number }[]; money: boolean }) {
  const fmt = useFormat();
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, data.length * 28 + 20)}>
      <BarChart data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
        <XAxis type="number" hide />
        <YAxis type="category" dataKey="name" width={150} tick={{ fontSize: 11 }} />
        <Tooltip formatter={(v) => (money ? fmt.money(Number(v)) : String(v))} />
        <Bar dataKey="value" fill={COLORS[0]} isAnimationActive={false} radius={[0, 4, 4, 0]} />
      </BarChart>
    </ResponsiveContainer>
  );
}

function ProductsChart({ which }: { which: 'top' | 'bottom' }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const items = useDashboard((s) => (which === 'top' ? s.top : s.bottom));
  const name = (p: { name: string; altName: string | null }) => localizedName(p.name, p.altName, i18n.language).primary;
  return (
    <ChartCard
      title={t(which === 'top' ? 'dashboard.charts.topProducts' : 'dashboard.charts.bottomProducts')}
      testId={`chart-${which}-products`}
      empty={items.length === 0}
      table={{
        columns: [
          t('dashboard.col.product'),
          t('dashboard.col.sku'),
          t('dashboard.col.units'),
          t('dashboard.col.revenue'),
          t('dashboard.col.margin'),
        ],
        rows: items.map((p) => [name(p), p.sku, fmt.qtyUnit(p.units, p.unit), fmt.money(p.revenue), fmt.money(p.margin)]),
        csv: items.map((p) => [name(p), p.sku, p.units / 1000, decimal(p.revenue, fmt.currency), decimal(p.margin, fmt.currency)]),
        numeric: [2, 3, 4],
      }}
    >
      <HBar data={items.map((p) => ({ name: name(p), value: p.revenue }))} money />
    </ChartCard>
  );
}

function CategoriesChart({ which }: { which: 'top' | 'bottom' }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const all = useDashboard((s) => s.categories);
  const items = useMemo(() => (which === 'top' ? all.slice(0, 8) : [...all].reverse().slice(0, 8)), [all, which]);
  const name = (c: { name: string | null; altName: string | null }) =>
    c.name ? localizedName(c.name, c.altName, i18n.language).primary : t('dashboard.uncategorized');
  return (
    <ChartCard
      title={t(which === 'top' ? 'dashboard.charts.topCategories' : 'dashboard.charts.bottomCategories')}
      testId={`chart-${which}-categories`}
      empty={items.length === 0}
      table={{
        columns: [
          t('dashboard.col.category'),
          t('dashboard.col.pieces'),
          t('dashboard.col.weight'),
          t('dashboard.col.orders'),
          t('dashboard.col.revenue'),
          t('dashboard.col.margin'),
        ],
        rows: items.map((c) => [
          name(c),
          fmt.qty(c.units, 'each'),
          c.weightGrams ? fmt.mass(c.weightGrams) : '',
          c.orders,
          fmt.money(c.revenue),
          fmt.money(c.margin),
        ]),
        csvColumns: [
          t('dashboard.col.category'),
          t('dashboard.col.pieces'),
          t('dashboard.col.weightKg'),
          t('dashboard.col.orders'),
          t('dashboard.col.revenue'),
          t('dashboard.col.margin'),
        ],
        csv: items.map((c) => [
          name(c),
          c.units / 1000,
          (c.weightGrams / 1000).toFixed(3),
          c.orders,
          decimal(c.revenue, fmt.currency),
          decimal(c.margin, fmt.currency),
        ]),
        numeric: [1, 2, 3, 4, 5],
      }}
    >
      <HBar data={items.map((c) => ({ name: name(c), value: c.revenue }))} money />
    </ChartCard>
  );
}

function PaymentMix() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const items = useDashboard((s) => s.payments);
  const total = items.reduce((s, p) => s + p.amount, 0);
  const label = (k: string) => t(`dashboard.tenders.${k}`, { defaultValue: k });
  return (
    <ChartCard
      title={t('dashboard.charts.paymentMix')}
      testId="chart-payments"
      empty={items.length === 0}
      table={{
        columns: [
          t('dashboard.col.tender'),
          t('dashboard.col.orders'),
          t('dashboard.col.amount'),
          t('dashboard.col.share'),
          t('dashboard.col.refunds'),
        ],
        rows: items.map((p) => [
          label(p.kind),
          p.orders,
          fmt.money(p.amount),
          total ? fmt.percent(Math.round((p.amount * 10000) / total)) : '',
          fmt.money(p.refunds),
        ]),
        csv: items.map((p) => [
          p.kind,
          p.orders,
          decimal(p.amount, fmt.currency),
          total ? (p.amount / total).toFixed(4) : '',
          decimal(p.refunds, fmt.currency),
        ]),
        numeric: [1, 2, 3, 4],
      }}
    >
      <ResponsiveContainer width="100%" height={240}>
        <PieChart>
          <Pie
            data={items.map((p) => ({ name: label(p.kind), value: p.amount }))}
            dataKey="value"
            nameKey="name"
            innerRadius={50}
            outerRadius={90}
            isAnimationActive={false}
          >
            {items.map((p, i) => (
              <Cell key={p.kind} fill={COLORS[i % COLORS.length]} />
            ))}
          </Pie>
          <Tooltip formatter={(v) => fmt.money(Number(v))} />
          <Legend />
        </PieChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

function StaffChart() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const items = useDashboard((s) => s.staff);
  return (
    <ChartCard
      title={t('dashboard.charts.staff')}
      testId="chart-staff"
      empty={items.length === 0}
      table={{
        columns: [
          t('dashboard.col.staff'),
          t('dashboard.col.orders'),
          t('dashboard.col.sales'),
          t('dashboard.col.avgBasket'),
          t('dashboard.col.refunds'),
        ],
        rows: items.map((s) => [s.name, s.orders, fmt.money(s.sales), fmt.money(s.avgBasket), fmt.money(s.refundAmount)]),
        csv: items.map((s) => [
          s.name,
          s.orders,
          decimal(s.sales, fmt.currency),
          decimal(s.avgBasket, fmt.currency),
          decimal(s.refundAmount, fmt.currency),
        ]),
        numeric: [1, 2, 3, 4],
      }}
    >
      <HBar data={items.map((s) => ({ name: s.name, value: s.sales }))} money />
    </ChartCard>
  );
}

function BusinessDay() {
  const { t } = useTranslation();
  const cutoff = useDashboard((s) => s.cutoffHour);
  const tz = useDashboard((s) => s.timezone);
  const setCutoff = useDashboard((s) => s.setCutoff);
  const isAdmin = useApp((s) => s.session?.staff?.role === 'admin');
  return (
    <section className="card dash-business-day">
      <h2>{t('dashboard.businessDay.title')}</h2>
      <p className="muted">{t('dashboard.businessDay.hint', { tz })}</p>
      <Field label={t('dashboard.businessDay.cutoff')} className="field-inline">
        <select value={cutoff} disabled={!isAdmin} onChange={(e) => void setCutoff(Number(e.target.value))} data-testid="cutoff-hour">
          {Array.from({ length: 13 }, (_, h) => (
            <option key={h} value={h}>{`${String(h).padStart(2, '0')}:00`}</option>
          ))}
        </select>
      </Field>
    </section>
  );
}

export function DashboardScreen() {
  const { t } = useTranslation();
  const init = useDashboard((s) => s.init);
  const loading = useDashboard((s) => s.loading);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="settings-screen">
      <TopBar />
      <main className="settings-main dash-main" data-testid="dashboard" aria-busy={loading}>
        <h1>{t('dashboard.title')}</h1>
        <RangeControls />
        <Kpis />
        <div className="dash-grid">
          <OverTime />
          <Heatmap />
          <ProductsChart which="top" />
          <ProductsChart which="bottom" />
          <CategoriesChart which="top" />
          <CategoriesChart which="bottom" />
          <PaymentMix />
          <StaffChart />
          <ChannelSplit />
        </div>
        <OnlineShop />
        <ProductPerformance />
        <CustomersPanel />
        <BusinessDay />
      </main>
    </div>
  );
}
