import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saveCsv } from '../../lib/save-file';
import { Table } from '../../components/Table';

export interface TableSpec {
  columns: string[];
  /** Display cells. */
  rows: (string | number)[][];
  /** Raw cells for the CSV (minor units as decimals, etc.); defaults to the display cells. */
  csv?: (string | number | null)[][];
  /** Headers of the CSV when its columns say more than the table's (a unit: "Weight (kg)"). */
  csvColumns?: string[];
  /** Right-aligned column indexes. */
  numeric?: number[];
}

/** Every chart can be shown as a table and saved as CSV. */
export function ChartCard({
  title,
  testId,
  table,
  children,
  extra,
  empty,
  wide,
}: {
  title: string;
  testId: string;
  table: TableSpec;
  children: ReactNode;
  extra?: ReactNode;
  empty?: boolean;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  const [asTable, setAsTable] = useState(false);
  const numeric = new Set(table.numeric ?? []);
  return (
    <section className={`card chart-card${wide ? ' chart-card-wide' : ''}`} data-testid={testId}>
      <header className="chart-head">
        <h2>{title}</h2>
        <div className="chart-tools">
          {extra}
          <div className="segmented" role="group">
            <button
              type="button"
              className={`segment${!asTable ? ' segment-active' : ''}`}
              onClick={() => setAsTable(false)}
              data-testid={`${testId}-chart`}
            >
              {t('dashboard.asChart')}
            </button>
            <button
              type="button"
              className={`segment${asTable ? ' segment-active' : ''}`}
              onClick={() => setAsTable(true)}
              data-testid={`${testId}-table`}
            >
              {t('dashboard.asTable')}
            </button>
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => saveCsv(`${testId}.csv`, table.csvColumns ?? table.columns, table.csv ?? table.rows)}
            data-testid={`${testId}-csv`}
          >
            {t('dashboard.csv')}
          </button>
        </div>
      </header>
      {empty ? (
        <p className="muted chart-empty">{t('dashboard.noData')}</p>
      ) : asTable ? (
        <div className="chart-table-wrap">
          <Table
            className="report-table"
            testId={`${testId}-rows`}
            rows={table.rows.map((cells, i) => ({ cells, i }))}
            rowKey={(r) => String(r.i)}
            columns={table.columns.map((c, j) => ({
              key: String(j),
              header: c,
              num: numeric.has(j),
              cell: (r: { cells: (string | number)[] }) => r.cells[j],
            }))}
          />
        </div>
      ) : (
        <div className="chart-body">{children}</div>
      )}
    </section>
  );
}
