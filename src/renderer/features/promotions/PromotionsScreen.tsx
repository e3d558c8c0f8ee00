import './promotions.css';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PromotionDraft, PromotionRecord } from '../../../shared/api/promotions';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { Table } from '../../components/Table';
import { PromotionForm } from './PromotionForm';
import { PromotionReport } from './PromotionReport';
import { TryCart } from './TryCart';
import { promotionName, promotionState, promotionSummary } from './summary';
import { promotionsData } from '../../data/promotions';

const STATE_TONE = { running: 'badge-ok', scheduled: 'badge-warn', paused: '', ended: '' } as const;

/**
 * Promotions for a manager: every promotion with its state on the store's clock and what it does,
 * the form to create or change one, pause and resume, a cart to try (with the form's draft), and
 * what each promotion gave.
 */
export function PromotionsScreen() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const [list, setList] = useState<PromotionRecord[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<PromotionRecord | 'new' | null>(null);
  const [draft, setDraft] = useState<(PromotionDraft & { id?: string }) | null>(null);

  // The states are read at the moment the list arrives, on the store's clock.
  const [now, setNow] = useState(0);
  const load = useCallback(async () => {
    const r = await promotionsData.list({});
    setNow(Date.now());
    if (r.ok) setList(r.value);
    else setError(r.error);
  }, []);
  useEffect(() => {
    let live = true;
    void promotionsData.list({}).then((r) => {
      if (!live) return;
      setNow(Date.now());
      if (r.ok) setList(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, []);

  const onDraft = useCallback((d: (PromotionDraft & { id?: string }) | null) => setDraft(d), []);
  const closeForm = () => {
    setEditing(null);
    setDraft(null);
  };

  const toggle = async (rec: PromotionRecord) => {
    const r = await promotionsData.setActive({ id: rec.promotion.id, active: !rec.active });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    notify.message('info', rec.active ? 'promotions.paused' : 'promotions.resumed', { name: promotionName(rec.promotion, i18n.language) });
    void load();
  };

  return (
    <div className="settings-screen promotions-screen">
      <TopBar />
      <main className="settings-main">
        <div className="promo-head">
          <h1>{t('promotions.title')}</h1>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setEditing('new')}
            disabled={editing !== null}
            data-testid="promo-add"
          >
            {t('promotions.add')}
          </button>
        </div>
        <p className="muted">{t('promotions.hint')}</p>
        <InlineError text={error ? describeError(t, error) : null} testId="promo-error" />
        {editing !== null && (
          <PromotionForm
            key={editing === 'new' ? 'new' : editing.promotion.id}
            record={editing === 'new' ? null : editing}
            currency={fmt.currency}
            onDraft={onDraft}
            onCancel={closeForm}
            onSaved={(rec) => {
              notify.message('info', 'promotions.saved', { name: promotionName(rec.promotion, i18n.language) });
              closeForm();
              void load();
            }}
          />
        )}
        <section className="card settings-card">
          <Table
            rows={list}
            rowKey={(rec) => rec.promotion.id}
            loading={t('common.loading')}
            empty={t('promotions.none')}
            emptyTestId="promo-none"
            className="table promo-table"
            testId="promo-table"
            rowTestId="promo-row"
            rowAttributes={(rec) => ({ 'data-state': promotionState(rec, now, fmt.timezone) })}
            columns={[
              {
                key: 'state',
                header: t('promotions.col.state'),
                cell: (rec) => {
                  const state = promotionState(rec, now, fmt.timezone);
                  return (
                    <span className={`badge ${STATE_TONE[state]}`} data-testid="promo-state">
                      {t(`promotions.state.${state}`)}
                    </span>
                  );
                },
              },
              {
                key: 'name',
                header: t('promotions.col.name'),
                testId: 'promo-row-name',
                cell: (rec) => promotionName(rec.promotion, i18n.language),
              },
              { key: 'kind', header: t('promotions.col.kind'), cell: (rec) => t(`promotions.kind.${rec.promotion.rule.kind}`) },
              {
                key: 'summary',
                header: t('promotions.col.summary'),
                testId: 'promo-summary',
                cell: (rec) => promotionSummary(t, rec.promotion, fmt.currency, i18n.language),
              },
              {
                key: 'actions',
                header: '',
                className: 'promo-row-actions',
                cell: (rec) => (
                  <>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      disabled={editing !== null}
                      onClick={() => setEditing(rec)}
                      data-testid="promo-edit"
                    >
                      {t('promotions.edit')}
                    </button>
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => void toggle(rec)} data-testid="promo-toggle">
                      {t(rec.active ? 'promotions.pause' : 'promotions.resume')}
                    </button>
                  </>
                ),
              },
            ]}
          />
        </section>
        <TryCart draft={editing !== null ? draft : null} />
        <PromotionReport />
      </main>
    </div>
  );
}
