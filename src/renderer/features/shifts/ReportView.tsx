import { useTranslation } from 'react-i18next';
import type { ShiftReport } from '../../../shared/api/shifts';
import { bpToPercentText, useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { Table } from '../../components/Table';

function Row({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div className={`report-row${strong ? ' report-row-strong' : ''}`}>
      <span>{label}</span>
      <span data-testid={testId}>{value}</span>
    </div>
  );
}

/** The X or Z report on screen: the cash reconciliation first, then the breakdowns. */
export function ReportView({ report }: { report: ShiftReport }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const cur = report.shift.currency;
  const m = (minor: number) => fmt.money(minor, cur);
  const os = report.cash.overShort;
  const osLabel = os === null ? '' : os > 0 ? t('shifts.over') : os < 0 ? t('shifts.short') : t('shifts.even');
  return (
    <div className="report" data-testid={report.kind === 'Z' ? 'z-report' : 'x-report'}>
      <header className="report-head">
        <h2>{report.kind === 'Z' ? t('shifts.reportZ') : t('shifts.reportX')}</h2>
        <div className="muted">
          {t('shifts.current', { number: report.shift.number })} · {report.shift.terminalCode} ·{' '}
          {t('shifts.openedBy', { when: fmt.dateTime(report.shift.openedAt), name: report.shift.openedBy })}
          {report.shift.closedAt !== null &&
            ` · ${t('shifts.closed')} ${fmt.dateTime(report.shift.closedAt)} (${report.shift.closedBy ?? ''})`}
        </div>
      </header>
      <div className="report-grid">
        <section className="report-section">
          <h3>{t('shifts.r.cash')}</h3>
          <Row label={t('shifts.r.float')} value={m(report.cash.float)} />
          <Row label={`+ ${t('shifts.r.cashSales')}`} value={m(report.cash.sales)} />
          <Row label={`− ${t('shifts.r.cashRefunds')}`} value={m(report.cash.refunds)} />
          <Row label={`+ ${t('shifts.r.cashIn')}`} value={m(report.cash.cashIn)} />
          <Row label={`− ${t('shifts.r.cashOut')}`} value={m(report.cash.cashOut)} />
          <Row label={`= ${t('shifts.r.expected')}`} value={m(report.cash.expected)} strong testId="report-expected" />
          {report.cash.counted !== null && (
            <>
              <Row label={t('shifts.r.counted')} value={m(report.cash.counted)} strong testId="report-counted" />
              <div
                className={`report-row report-row-strong ${os !== null && os < 0 ? 'report-short' : os !== null && os > 0 ? 'report-over' : ''}`}
              >
                <span data-testid="report-over-short-label">{osLabel}</span>
                <span data-testid="report-over-short">{m(os ?? 0)}</span>
              </div>
            </>
          )}
        </section>
        <section className="report-section">
          <h3>{t('shifts.r.sales')}</h3>
          <Row label={t('shifts.r.orders')} value={String(report.sales.orders)} testId="report-orders" />
          {/* Pieces and weights apart: adding kilograms to a piece count means nothing. */}
          <Row label={t('shifts.r.items')} value={fmt.qty(report.sales.items, 'each')} testId="report-items" />
          {report.sales.weighed ? (
            <Row label={t('shifts.r.weighed')} value={fmt.mass(report.sales.weighed)} testId="report-weighed" />
          ) : null}
          <Row label={t('shifts.r.gross')} value={m(report.sales.gross)} />
          <Row label={t('shifts.r.discounts', { count: report.sales.discountedOrders })} value={m(0 - report.sales.discounts)} />
          <Row label={t('shifts.r.tax')} value={m(report.sales.tax)} />
          <Row label={t('shifts.r.total')} value={m(report.sales.total)} strong testId="report-total" />
          <Row label={t('shifts.r.refunds')} value={`${report.refunds.count} · ${m(report.refunds.amount)}`} />
          <Row label={t('shifts.r.voids')} value={`${report.voids.count} · ${m(report.voids.amount)}`} />
          <Row label={t('shifts.r.noSales')} value={String(report.noSales)} />
        </section>
        <section className="report-section">
          <h3>{t('shifts.r.tenders')}</h3>
          <Table
            className="report-table"
            rows={report.tenders}
            rowKey={(x) => x.kind}
            rowTestId="report-tender"
            columns={[
              { key: 'tender', header: t('shifts.r.tender'), cell: (x) => t(`shifts.tenders.${x.kind}`, { defaultValue: x.kind }) },
              { key: 'count', header: t('shifts.r.count'), num: true, cell: (x) => x.count },
              { key: 'sales', header: t('shifts.r.sales'), num: true, cell: (x) => m(x.amount) },
              { key: 'refunds', header: t('shifts.r.refunds'), num: true, cell: (x) => m(x.refunds) },
            ]}
          />
          <h3>{t('shifts.r.taxRates')}</h3>
          <Table
            className="report-table"
            rows={report.taxRates}
            rowKey={(x) => String(x.rateBp)}
            columns={[
              { key: 'rate', header: t('shifts.r.rate'), cell: (x) => `${bpToPercentText(x.rateBp)}%` },
              { key: 'base', header: t('shifts.r.base'), num: true, cell: (x) => m(x.base) },
              { key: 'tax', header: t('shifts.r.tax'), num: true, cell: (x) => m(x.tax) },
            ]}
          />
        </section>
        <section className="report-section">
          <h3>{t('shifts.r.categories')}</h3>
          <Table
            className="report-table"
            rows={report.categories}
            rowKey={(c) => c.categoryId ?? '-'}
            columns={[
              {
                key: 'name',
                cell: (c) => (c.name ? localizedName(c.name, c.altName, i18n.language).primary : t('shifts.r.uncategorized')),
              },
              { key: 'amount', num: true, cell: (c) => m(c.amount) },
            ]}
          />
          {report.movements.length > 0 && (
            <>
              <h3>{t('shifts.r.movements')}</h3>
              <Table
                className="report-table"
                rows={report.movements}
                rowKey={(x) => x.id}
                columns={[
                  { key: 'at', cell: (x) => fmt.time(x.at) },
                  { key: 'kind', cell: (x) => t(`shifts.r.${x.kind}`) },
                  { key: 'reason', cell: (x) => x.reason },
                  { key: 'amount', num: true, cell: (x) => (x.kind === 'no_sale' ? '' : m(x.kind === 'out' ? -x.amount : x.amount)) },
                ]}
              />
            </>
          )}
        </section>
      </div>
      {report.journalSeq !== null && <p className="muted">{t('shifts.r.journal', { seq: report.journalSeq })}</p>}
    </div>
  );
}
