import { useTranslation } from 'react-i18next';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { OnlineFunnel } from '../../../shared/api/insight';
import { isIsoDate } from '../../../shared/business-day';
import { insightData } from '../../data/insight';
import { useQuery } from '../../data/query';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useDashboard } from '../../stores/dashboard';
import { ChartCard } from './ChartCard';
import { Table } from '../../components/Table';

/** `part` as a share of `whole`, in basis points (null when there is no whole). */
const shareBp = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10000) / whole) : null);

function useRange() {
  const from = useDashboard((s) => s.from);
  const to = useDashboard((s) => s.to);
  const ready = isIsoDate(from) && isIsoDate(to) && from <= to;
  return { range: { from, to }, ready };
}

/** Sales at the counter against sales in the online shop. */
export function ChannelSplit() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { range, ready } = useRange();
  const { data, error } = useQuery(insightData.channels, range, { enabled: ready });
  const items = data ?? [];
  const total = items.reduce((s, c) => s + c.sales, 0);
  const name = (c: 'counter' | 'online') => t(`dashboard.channels.${c}`);
  return (
    <ChartCard
      title={t('dashboard.channels.title')}
      testId="chart-channels"
      empty={items.every((c) => c.orders === 0)}
      extra={
        error ? (
          <p className="inline-error" role="alert">
            {describeError(t, error)}
          </p>
        ) : undefined
      }
      table={{
        columns: [
          t('dashboard.channels.channel'),
          t('dashboard.channels.orders'),
          t('dashboard.channels.sales'),
          t('dashboard.channels.share'),
        ],
        rows: items.map((c) => {
          const bp = shareBp(c.sales, total);
          return [name(c.channel), c.orders, fmt.money(c.sales), bp === null ? '' : fmt.percent(bp)];
        }),
        csv: items.map((c) => [c.channel, c.orders, c.sales, total ? (c.sales / total).toFixed(4) : '']),
        numeric: [1, 2, 3],
      }}
    >
      <ResponsiveContainer width="100%" height={160}>
        <BarChart data={items.map((c) => ({ name: name(c.channel), value: c.sales }))} layout="vertical" margin={{ left: 24 }}>
          <XAxis type="number" hide />
          <YAxis type="category" dataKey="name" width={110} />
          <Tooltip formatter={(v) => fmt.money(Number(v))} />
          <Bar dataKey="value" fill="#2563eb" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

function Funnel({ f }: { f: OnlineFunnel }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const pct = (bp: number | null) => (bp === null ? '–' : fmt.percent(bp));
  // Each step counts the visits that reached it (a visit viewing five products is one visit that
  // viewed); the last step counts paid orders, against visits too.
  const steps = [
    { key: 'visits', events: f.visits, reached: f.visits, visits: null },
    { key: 'productViews', events: f.productViews.events, reached: f.productViews.visits, visits: f.productViews.visits },
    { key: 'carts', events: f.carts.events, reached: f.carts.visits, visits: f.carts.visits },
    { key: 'checkouts', events: f.checkouts.events, reached: f.checkouts.visits, visits: f.checkouts.visits },
    { key: 'paid', events: f.paid, reached: f.paid, visits: null },
  ] as const;
  return (
    <Table
      className="report-table"
      testId="online-funnel"
      rows={steps}
      rowKey={(s) => s.key}
      rowTestId={(s) => `funnel-${s.key}`}
      columns={[
        { key: 'step', header: t('dashboard.online.step'), cell: (s) => t(`dashboard.online.${s.key}`) },
        { key: 'count', header: t('dashboard.online.count'), num: true, cell: (s) => s.events },
        { key: 'visits', header: t('dashboard.online.visitsWith'), num: true, cell: (s) => s.visits ?? '' },
        {
          key: 'ofVisits',
          header: t('dashboard.online.ofVisits'),
          num: true,
          cell: (s, i) => (i === 0 ? '' : pct(shareBp(s.reached, f.visits))),
        },
        {
          key: 'fromPrevious',
          header: t('dashboard.online.fromPrevious'),
          num: true,
          cell: (s, i) => (i === 0 ? '' : pct(shareBp(s.reached, steps[i - 1]!.reached))),
        },
      ]}
    />
  );
}

/** The online shop's funnel, top searches and searches that found nothing (asked of the cloud). */
export function OnlineShop() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { range, ready } = useRange();
  const { data, error, reload } = useQuery(insightData.online, range, { enabled: ready });
  const reason = (error?.details as { reason?: unknown } | undefined)?.reason;
  return (
    <section className="card dash-online" data-testid="online-shop">
      <h2>{t('dashboard.online.title')}</h2>
      {error ? (
        <div data-testid="online-shop-error">
          <p className={reason === 'noCloud' ? 'muted' : 'inline-error'}>
            {reason === 'noCloud'
              ? t('dashboard.online.noCloud')
              : reason === 'offline'
                ? t('dashboard.online.offline')
                : describeError(t, error)}
          </p>
          {reason !== 'noCloud' && (
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void reload()}>
              {t('dashboard.online.retry')}
            </button>
          )}
        </div>
      ) : !data ? (
        <p className="muted">…</p>
      ) : (
        <>
          <p className="muted">{t('dashboard.online.hint')}</p>
          <Funnel f={data} />
          <div className="dash-grid">
            <div>
              <h3>{t('dashboard.online.topSearches')}</h3>
              {data.topSearches.length === 0 ? (
                <p className="muted">{t('dashboard.online.none')}</p>
              ) : (
                <Table
                  className="report-table"
                  testId="online-top-searches"
                  rows={data.topSearches}
                  rowKey={(s) => s.query}
                  columns={[
                    { key: 'query', header: t('dashboard.online.query'), cell: (s) => s.query },
                    { key: 'searches', header: t('dashboard.online.searches'), num: true, cell: (s) => s.searches },
                    { key: 'empty', header: t('dashboard.online.empty'), num: true, cell: (s) => s.empty },
                  ]}
                />
              )}
            </div>
            <div>
              <h3>{t('dashboard.online.noResults')}</h3>
              {data.noResults.length === 0 ? (
                <p className="muted">{t('dashboard.online.noneEmpty')}</p>
              ) : (
                <Table
                  className="report-table"
                  testId="online-no-results"
                  rows={data.noResults}
                  rowKey={(s) => s.query}
                  columns={[
                    { key: 'query', header: t('dashboard.online.query'), cell: (s) => s.query },
                    { key: 'searches', header: t('dashboard.online.searches'), num: true, cell: (s) => s.searches },
                    { key: 'lastAt', header: t('dashboard.online.lastAt'), cell: (s) => fmt.dateTime(s.lastAt) },
                  ]}
                />
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
