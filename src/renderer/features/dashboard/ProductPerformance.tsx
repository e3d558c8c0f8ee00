import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Pager } from '../../components/Pager';
import type { ProductPerf } from '../../../shared/api/insight';
import { saveCsv } from '../../lib/save-file';
import { bpToPercentText, useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useDashboard } from '../../stores/dashboard';
import { insightData } from '../../data/insight';
import { Table } from '../../components/Table';

type Sort = 'units' | 'revenue' | 'margin' | 'price' | 'rating';
const PAGE = 25;

/** Every product sold in the range, sortable by units, revenue, margin, price (and rating with feedback). */
export function ProductPerformance() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const from = useDashboard((s) => s.from);
  const to = useDashboard((s) => s.to);
  const version = useDashboard((s) => s.summary);
  const [sort, setSort] = useState<Sort>('revenue');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ items: ProductPerf[]; total: number; ratingAvailable: boolean } | null>(null);
  useEffect(() => {
    if (!from || !to || to < from) return;
    void insightData.products({ from, to, sort, dir, offset, limit: PAGE }).then((r) => r.ok && setData(r.value));
  }, [from, to, sort, dir, offset, version]);
  const name = (p: ProductPerf) => localizedName(p.name, p.altName, i18n.language).primary;
  const exportAll = async () => {
    const r = await insightData.products({ from, to, sort, dir, offset: 0, limit: 200 });
    if (!r.ok) return;
    saveCsv(
      'products.csv',
      ['sku', 'name', 'unit', 'units', 'revenue', 'margin', 'price', 'rating'],
      r.value.items.map((p) => [p.sku, name(p), p.unit, p.units / 1000, p.revenue, p.margin, p.price, p.rating]),
    );
  };
  return (
    <section className="card chart-card chart-card-wide" data-testid="product-performance">
      <header className="chart-head">
        <h2>{t('dashboard.charts.products')}</h2>
        <div className="chart-tools">
          <label className="field-inline">
            <span className="muted">{t('dashboard.sortBy')} </span>
            <select
              value={sort}
              onChange={(e) => {
                setSort(e.target.value as Sort);
                setOffset(0);
              }}
              data-testid="products-sort"
            >
              {(['units', 'revenue', 'margin', 'price', 'rating'] as Sort[]).map((s) => (
                <option key={s} value={s} disabled={s === 'rating' && data?.ratingAvailable === false}>
                  {t(`dashboard.sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <select value={dir} onChange={(e) => setDir(e.target.value as 'asc' | 'desc')} data-testid="products-dir">
            <option value="desc">{t('dashboard.desc')}</option>
            <option value="asc">{t('dashboard.asc')}</option>
          </select>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void exportAll()}>
            {t('dashboard.csv')}
          </button>
        </div>
      </header>
      {data?.ratingAvailable === false && <p className="muted small">{t('dashboard.noRatings')}</p>}
      {!data || data.items.length === 0 ? (
        <p className="muted chart-empty">{t('dashboard.noData')}</p>
      ) : (
        <>
          <Table
            className="report-table"
            testId="products-rows"
            rows={data.items}
            rowKey={(p) => p.productId}
            rowTestId="product-row"
            columns={[
              { key: 'product', header: t('dashboard.col.product'), cell: (p) => name(p) },
              { key: 'sku', header: t('dashboard.col.sku'), className: 'muted', cell: (p) => p.sku },
              { key: 'units', header: t('dashboard.col.units'), num: true, cell: (p) => fmt.qtyUnit(p.units, p.unit) },
              { key: 'revenue', header: t('dashboard.col.revenue'), num: true, cell: (p) => fmt.money(p.revenue) },
              { key: 'margin', header: t('dashboard.col.margin'), num: true, cell: (p) => fmt.money(p.margin) },
              {
                key: 'marginPct',
                header: t('dashboard.col.marginPct'),
                num: true,
                cell: (p) => `${bpToPercentText(Math.max(0, p.marginBp))}%`,
              },
              { key: 'price', header: t('dashboard.col.price'), num: true, cell: (p) => fmt.money(p.price) },
              { key: 'rating', header: t('dashboard.col.rating'), num: true, cell: (p) => p.rating ?? '—' },
            ]}
          />
          <Pager
            offset={offset}
            pageSize={PAGE}
            total={data.total}
            onOffset={setOffset}
            label={(from, to, total) => t('dashboard.pageOf', { from, to, total })}
            prev={t('dashboard.prev')}
            next={t('dashboard.next')}
          />
        </>
      )}
    </section>
  );
}
