import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PromotionReport as Report } from '../../../shared/api/promotions';
import type { ApiError } from '../../../shared/errors';
import { DateField } from '../../components/DateField';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { promotionName, storeDay } from './summary';
import { promotionsData } from '../../data/promotions';
import { Table } from '../../components/Table';

/** What each promotion gave over a period of business days, in the store's currency. */
export function PromotionReport() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [today] = useState(() => storeDay(Date.now(), fmt.timezone));
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async (range: { from: string; to: string }) => {
    const r = await promotionsData.report(range);
    setError(r.ok ? null : r.error);
    setReport(r.ok ? r.value : null);
  }, []);

  // The month so far on opening; the button asks again for the dates typed.
  useEffect(() => {
    let live = true;
    void promotionsData.report({ from: `${today.slice(0, 8)}01`, to: today }).then((r) => {
      if (!live) return;
      setError(r.ok ? null : r.error);
      setReport(r.ok ? r.value : null);
    });
    return () => {
      live = false;
    };
  }, [today]);

  return (
    <section className="card settings-card promo-report" data-testid="promo-report">
      <h2>{t('promotions.report.title')}</h2>
      <form
        className="promo-row"
        onSubmit={(e) => {
          e.preventDefault();
          void load({ from, to });
        }}
      >
        <label className="promo-inline">
          <span>{t('promotions.report.from')}</span>
          <DateField value={from} onChange={setFrom} testId="promo-report-from" />
        </label>
        <label className="promo-inline">
          <span>{t('promotions.report.to')}</span>
          <DateField value={to} onChange={setTo} testId="promo-report-to" />
        </label>
        <button type="submit" className="btn btn-primary btn-sm" data-testid="promo-report-show">
          {t('promotions.report.show')}
        </button>
      </form>
      <InlineError text={error ? describeError(t, error) : null} testId="promo-report-error" />
      {report && (
        <Table
          testId="promo-report-table"
          rows={report.rows}
          rowKey={(r) => r.promotionId}
          rowTestId="promo-report-row"
          empty={t('promotions.report.none')}
          columns={[
            { key: 'promotion', header: t('promotions.report.promotion'), cell: (r) => promotionName(r, i18n.language) },
            { key: 'sales', header: t('promotions.report.sales'), num: true, cell: (r) => r.sales },
            {
              key: 'units',
              header: t('promotions.report.units'),
              num: true,
              cell: (r) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 3 }).format(r.units / 1000),
            },
            {
              key: 'discount',
              header: t('promotions.report.discount'),
              num: true,
              testId: 'promo-report-discount',
              cell: (r) => fmt.money(r.discount, report.currency),
            },
            { key: 'customers', header: t('promotions.report.customers'), num: true, cell: (r) => r.customers },
            { key: 'revenue', header: t('promotions.report.revenue'), num: true, cell: (r) => fmt.money(r.revenue, report.currency) },
          ]}
        />
      )}
    </section>
  );
}
