import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

export interface Column<R> {
  /** Stable key of the column (React key). */
  key: string;
  /** Header text; when no column has one, the table has no head. */
  header?: ReactNode;
  /** Right-aligned figures (class `num`). */
  num?: boolean;
  className?: string;
  /** A class of one row's cell (a short drawer's figure), added to the column's. */
  cellClassName?: (row: R) => string | undefined;
  /** data-testid of each cell of the column. */
  testId?: string;
  cell: (row: R, index: number) => ReactNode;
}

interface TableProps<R> {
  columns: readonly Column<R>[];
  /** null while loading: the loading text if given, else nothing. */
  rows: readonly R[] | null;
  rowKey: (row: R) => string;
  loading?: ReactNode;
  /** Shown instead of the table when there are no rows (class `muted` unless emptyClassName says otherwise). */
  empty?: ReactNode;
  emptyTestId?: string;
  emptyClassName?: string;
  className?: string;
  testId?: string;
  rowTestId?: string | ((row: R) => string | undefined);
  rowClassName?: (row: R) => string | undefined;
  /** Further attributes of a row, such as data-status for the tests and the styles. */
  rowAttributes?: (row: R) => Record<`data-${string}`, string>;
  onRowClick?: (row: R) => void;
  /** Extra rows under the data rows (totals, a loading row). */
  foot?: ReactNode;
  /**
   * Long lists render only the rows in view: above this many rows the table scrolls inside a box
   * of `maxHeight` pixels, rows being about `rowHeight` pixels high.
   */
  virtual?: { above: number; rowHeight: number; maxHeight: number };
}

/** The app's data table: columns declared once, an empty state, and virtual rows for long lists. */
export function Table<R>(props: TableProps<R>) {
  const { columns, rows } = props;
  if (rows === null) return props.loading === undefined ? null : <p className="muted">{props.loading}</p>;
  if (rows.length === 0 && props.empty !== undefined)
    return (
      <p className={props.emptyClassName ?? 'muted'} data-testid={props.emptyTestId}>
        {props.empty}
      </p>
    );
  if (props.virtual && rows.length > props.virtual.above) return <VirtualTable {...props} rows={rows} virtual={props.virtual} />;
  return (
    <table className={props.className ?? 'table'} data-testid={props.testId}>
      <TableHead columns={columns} />
      <tbody>
        {rows.map((row, i) => (
          <TableRow key={props.rowKey(row)} {...props} row={row} index={i} />
        ))}
        {props.foot}
      </tbody>
    </table>
  );
}

function TableHead<R>({ columns }: { columns: readonly Column<R>[] }) {
  if (!columns.some((c) => c.header !== undefined)) return null;
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.key} className={cellClass(c)}>
            {c.header}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function TableRow<R>(props: TableProps<R> & { row: R; index: number }) {
  const { row, rowTestId, onRowClick } = props;
  return (
    <tr
      {...props.rowAttributes?.(row)}
      className={props.rowClassName?.(row)}
      data-testid={typeof rowTestId === 'function' ? rowTestId(row) : rowTestId}
      onClick={onRowClick ? () => onRowClick(row) : undefined}
      style={onRowClick ? { cursor: 'pointer' } : undefined}
    >
      {props.columns.map((c) => (
        <td key={c.key} className={cellClass(c, c.cellClassName?.(row))} data-testid={c.testId}>
          {c.cell(row, props.index)}
        </td>
      ))}
    </tr>
  );
}

function VirtualTable<R>(props: TableProps<R> & { rows: readonly R[]; virtual: NonNullable<TableProps<R>['virtual']> }) {
  const { rows, virtual } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => virtual.rowHeight,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div ref={scrollRef} style={{ maxHeight: virtual.maxHeight, overflowY: 'auto' }}>
      <table className={props.className ?? 'table'} data-testid={props.testId}>
        <TableHead columns={props.columns} />
        <tbody>
          {before > 0 && <tr aria-hidden="true" style={{ height: before }} />}
          {items.map((v) => (
            <TableRow key={props.rowKey(rows[v.index]!)} {...props} row={rows[v.index]!} index={v.index} />
          ))}
          {after > 0 && <tr aria-hidden="true" style={{ height: after }} />}
          {props.foot}
        </tbody>
      </table>
    </div>
  );
}

function cellClass(c: { num?: boolean; className?: string }, extra?: string): string | undefined {
  const names = [c.num ? 'num' : '', c.className ?? '', extra ?? ''].filter(Boolean).join(' ');
  return names || undefined;
}
