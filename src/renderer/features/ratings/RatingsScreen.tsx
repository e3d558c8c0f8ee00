import '../aftersale/aftersale.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Pager } from '../../components/Pager';
import type { FeedbackEntry, ProductRating } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { useFormat } from '../../lib/format';
import { TopBar } from '../../components/TopBar';
import { describeAfterError } from '../aftersale/errors';
import { Stars } from '../orders/OrderDetailPanel';
import { localizedName } from '../../lib/names';
import { feedbackData } from '../../data/customers';
import { Table } from '../../components/Table';
import { useApp } from '../../stores/app';
import { OnlineReviews } from './OnlineReviews';

type Sort = 'rating_desc' | 'rating_asc' | 'count_desc' | 'name';
const PAGE = 50;

/** Products with their customers' ratings; sortable by rating; a click shows the comments. */
export function RatingsScreen() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [sort, setSort] = useState<Sort>('rating_desc');
  const [rated, setRated] = useState(true);
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: ProductRating[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<ProductRating | null>(null);
  const [reviews, setReviews] = useState<FeedbackEntry[]>([]);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      void feedbackData.products({ sort, rated, ...(q.trim() ? { q: q.trim() } : {}), offset, limit: PAGE }).then((r) => {
        if (!live) return;
        if (r.ok) setPage(r.value);
        else setError(r.error);
      });
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [sort, rated, q, offset]);

  useEffect(() => {
    if (!selected) return;
    void feedbackData.forProduct({ productId: selected.productId, offset: 0, limit: 50 }).then((r) => r.ok && setReviews(r.value.items));
  }, [selected]);

  const role = useApp((s) => s.session?.staff?.role ?? null);
  const manager = role === 'manager' || role === 'admin';
  const [tab, setTab] = useState<'products' | 'online'>('products');

  const name = (p: { name: string; altName: string | null }) => localizedName(p.name, p.altName, i18n.language).primary;
  const tabs = manager && (
    <div className="filter-row" role="tablist">
      {(['products', 'online'] as const).map((k) => (
        <button
          key={k}
          role="tab"
          aria-selected={tab === k}
          className={tab === k ? 'btn btn-primary' : 'btn btn-secondary'}
          onClick={() => setTab(k)}
          data-testid={`ratings-tab-${k}`}
        >
          {t(k === 'products' ? 'reviews.tabProducts' : 'reviews.tabOnline')}
        </button>
      ))}
    </div>
  );
  if (manager && tab === 'online')
    return (
      <div className="settings-screen">
        <TopBar />
        {tabs}
        <main className="orders-main">
          <OnlineReviews />
        </main>
      </div>
    );
  return (
    <div className="settings-screen">
      <TopBar />
      {tabs}
      <main className="orders-main">
        <section className="orders-list card">
          <h1>{t('after.nav.ratings')}</h1>
          <div className="filter-row">
            <input
              className="after-search"
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                setOffset(0);
              }}
              placeholder={t('catalog.search')}
            />
            <select
              value={sort}
              onChange={(e) => {
                setSort(e.target.value as Sort);
                setOffset(0);
              }}
              data-testid="ratings-sort"
            >
              {(['rating_desc', 'rating_asc', 'count_desc', 'name'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`after.ratings.sort.${s}`)}
                </option>
              ))}
            </select>
            <label className="check">
              <input
                type="checkbox"
                checked={rated}
                onChange={(e) => {
                  setRated(e.target.checked);
                  setOffset(0);
                }}
              />
              <span>{t('after.ratings.onlyRated')}</span>
            </label>
          </div>
          <InlineError text={error ? describeAfterError(t, error) : null} />
          <Table
            rows={page?.items ?? null}
            rowKey={(p) => p.productId}
            empty={t('after.ratings.none')}
            className="table table-clickable"
            rowTestId="rating-row"
            onRowClick={setSelected}
            columns={[
              { key: 'item', header: t('after.item'), className: 'ellipsis', cell: (p) => name(p) },
              { key: 'price', header: t('after.price'), num: true, cell: (p) => fmt.money(p.price) },
              {
                key: 'rating',
                header: t('after.rating'),
                cell: (p) => (
                  <>
                    <Stars value={p.average} /> {p.average !== null && <small data-testid="rating-average">{p.average.toFixed(1)}</small>}
                  </>
                ),
              },
              { key: 'count', header: t('after.ratings.count'), num: true, cell: (p) => p.count },
            ]}
          />
          {page && page.total > PAGE && (
            <Pager
              offset={offset}
              pageSize={PAGE}
              total={page.total}
              onOffset={setOffset}
              label={(from, to, total) => t('after.pager', { from, to, total })}
            />
          )}
        </section>
        <section className="orders-detail card">
          {selected ? (
            <>
              <h2>{name(selected)}</h2>
              <p>
                <Stars value={selected.average} />{' '}
                {t('after.ratings.summary', { avg: selected.average?.toFixed(1) ?? '—', count: selected.count })}
              </p>
              <ul className="plain-list">
                {reviews.map((r) => (
                  <li key={r.id}>
                    <Stars value={r.rating} />{' '}
                    <span className="muted">
                      {fmt.dateTime(r.createdAt)} · {r.orderNumber}
                    </span>
                    {r.customerName && <span className="muted"> · {r.customerName}</span>}
                    {r.comment && <div>{r.comment}</div>}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">{t('after.ratings.pick')}</p>
          )}
        </section>
      </main>
    </div>
  );
}
