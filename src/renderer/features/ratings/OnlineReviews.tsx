import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnlineReview } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { Table } from '../../components/Table';
import { reviewsData } from '../../data/reviews';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { describeAfterError } from '../aftersale/errors';
import { Stars } from '../orders/OrderDetailPanel';
import { Field } from '../../components/Field';

type Filter = 'all' | 'visible' | 'hidden';
const PAGE = 50;

/** The manager's list of buyers' recent online reviews, with Hide (and a reason) or Show again. */
export function OnlineReviews() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [filter, setFilter] = useState<Filter>('all');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: OnlineReview[]; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [hiding, setHiding] = useState<OnlineReview | null>(null);
  const [reason, setReason] = useState('');
  const [hideError, setHideError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void reviewsData.list({ ...(filter === 'all' ? {} : { hidden: filter === 'hidden' }), offset, limit: PAGE }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setPage(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [filter, offset, reload]);

  async function setHidden(review: OnlineReview, hidden: boolean, why: string) {
    setBusy(true);
    const r = await reviewsData.setHidden({ id: review.id, hidden, reason: why });
    setBusy(false);
    if (!r.ok) {
      if (hidden) setHideError(r.error);
      else setError(r.error);
      return;
    }
    useNotify.getState().message('info', hidden ? 'reviews.hidden' : 'reviews.shownAgain');
    setHiding(null);
    setReload((n) => n + 1);
  }

  return (
    <section className="orders-list card" data-testid="online-reviews">
      <h1>{t('reviews.title')}</h1>
      <div className="filter-row">
        <select
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value as Filter);
            setOffset(0);
          }}
          data-testid="reviews-filter"
        >
          <option value="all">{t('reviews.filterAll')}</option>
          <option value="visible">{t('reviews.filterVisible')}</option>
          <option value="hidden">{t('reviews.filterHidden')}</option>
        </select>
      </div>
      <InlineError text={error ? describeAfterError(t, error) : null} />
      <Table
        rows={page?.items ?? null}
        rowKey={(r) => r.id}
        empty={t('reviews.none')}
        className="table"
        rowTestId="review-row"
        columns={[
          { key: 'product', header: t('reviews.product'), className: 'ellipsis', cell: (r) => r.productName },
          { key: 'rating', header: t('reviews.rating'), cell: (r) => <Stars value={r.rating} /> },
          { key: 'author', header: t('reviews.author'), cell: (r) => r.author },
          { key: 'comment', header: t('reviews.comment'), className: 'ellipsis', cell: (r) => r.comment },
          { key: 'written', header: t('reviews.written'), cell: (r) => fmt.dateTime(r.createdAt) },
          {
            key: 'status',
            header: t('reviews.status'),
            cell: (r) => (r.hidden ? t('reviews.hiddenBecause', { reason: r.hiddenReason }) : t('reviews.shown')),
          },
          {
            key: 'action',
            header: '',
            cell: (r) =>
              r.hidden ? (
                <button
                  className="btn btn-secondary"
                  disabled={busy}
                  onClick={() => void setHidden(r, false, '')}
                  data-testid="review-show"
                >
                  {t('reviews.show')}
                </button>
              ) : (
                <button
                  className="btn btn-secondary"
                  onClick={() => {
                    setHiding(r);
                    setReason('');
                    setHideError(null);
                  }}
                  data-testid="review-hide"
                >
                  {t('reviews.hide')}
                </button>
              ),
          },
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
      {hiding && (
        <Modal
          title={t('reviews.hideTitle')}
          onClose={() => setHiding(null)}
          testId="review-hide-dialog"
          footer={
            <>
              <button className="btn btn-secondary" onClick={() => setHiding(null)}>
                {t('reviews.cancel')}
              </button>
              <button
                className="btn btn-primary"
                disabled={busy || reason.trim() === ''}
                onClick={() => void setHidden(hiding, true, reason)}
                data-testid="review-hide-confirm"
              >
                {t('reviews.confirmHide')}
              </button>
            </>
          }
        >
          <p className="muted">{t('reviews.hideHint')}</p>
          <p>
            <Stars value={hiding.rating} /> {hiding.comment}
          </p>
          <Field label={t('reviews.reason')}>
            <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="review-hide-reason" />
          </Field>
          <InlineError text={hideError ? describeAfterError(t, hideError) : null} />
        </Modal>
      )}
    </section>
  );
}
