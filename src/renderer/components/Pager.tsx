import type { ReactNode } from 'react';

/** Previous / "from–to of total" / next, for lists paged in SQL. */
export function Pager(props: {
  offset: number;
  pageSize: number;
  total: number;
  onOffset(offset: number): void;
  /** The label between the buttons, given the 1-based first row and the last row shown. */
  label(from: number, to: number, total: number): ReactNode;
  prev?: ReactNode;
  next?: ReactNode;
}) {
  const { offset, pageSize, total, onOffset } = props;
  return (
    <div className="pager">
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - pageSize))}
      >
        {props.prev ?? '‹'}
      </button>
      <span className="muted">{props.label(offset + 1, Math.min(total, offset + pageSize), total)}</span>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        disabled={offset + pageSize >= total}
        onClick={() => onOffset(offset + pageSize)}
      >
        {props.next ?? '›'}
      </button>
    </div>
  );
}
