import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlaggedRow, InputOf, MovementRow, ValuationRow } from '../../../shared/api';
import { LocalName } from '../../components/LocalName';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { usePaged } from '../../lib/usePaged';
import { useNotify } from '../../stores/notify';
import { stockData } from '../../data/inventory';
import { Table } from '../../components/Table';

const ROW = 40;

type MovementFilter = Omit<InputOf<'stock.movements'>, 'offset' | 'limit'>;

/** Movement history, newest first, paged in SQL and virtualized (a product's or a location's). */
export function MovementList({ filter }: { filter: MovementFilter }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const key = JSON.stringify(filter);
  const list = usePaged<MovementRow>(key, async (offset, limit) => {
    const r = await stockData.movements({ ...filter, offset, limit });
    if (!r.ok) {
      notify.error(r.error);
      return null;
    }
    return r.value;
  });
  const ref = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({ count: list.count, getScrollElement: () => ref.current, estimateSize: () => ROW, overscan: 10 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    for (let p = Math.floor(first / 100); p <= Math.floor(last / 100); p++) list.ensure(p);
  }, [first, last, key, list]);
  return (
    <div className="vtable movement-table">
      <div className="vrow vhead">
        <span>{t('inv.common.date')}</span>
        <span>{t('inv.common.name')}</span>
        <span>{t('inv.common.location')}</span>
        <span>{t('inv.common.status')}</span>
        <span className="num">{t('inv.common.qty')}</span>
        <span>{t('inv.common.reason')}</span>
        <span>{t('inv.editor.by')}</span>
      </div>
      <div className="vbody vbody-short" ref={ref} data-testid="movement-list">
        {list.done && list.count === 0 && <div className="grid-empty muted">{t('inv.common.none')}</div>}
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const m = list.rowAt(it.index);
            const style = { transform: `translateY(${it.start}px)`, height: ROW };
            if (!m) return <div key={it.key} className="vrow vrow-loading" style={style} />;
            return (
              <div key={it.key} className="vrow" style={style} data-testid="movement-row">
                <span className="muted">{fmt.dateTime(m.at)}</span>
                <LocalName name={m.name} altName={m.altName} oneLine />
                <span className="ellipsis">{m.locationName}</span>
                <span>{t(`inv.kinds.${m.kind}`)}</span>
                <span className={`num${m.qtyDelta < 0 ? ' stock-out' : ''}`}>
                  {m.qtyDelta > 0 ? '+' : '−'}
                  {fmt.qtyUnit(Math.abs(m.qtyDelta), m.unit)}
                </span>
                <span className="ellipsis muted">{m.reason ?? ''}</span>
                <span className="ellipsis muted">{m.staffName ?? ''}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function MovementsDialog({ filter, onClose }: { filter: MovementFilter; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('inv.stock.history')} onClose={onClose} size="xl" testId="movements-dialog">
      <MovementList filter={filter} />
    </Modal>
  );
}

export function ValuationDialog({ locationId, onClose }: { locationId: string | null; onClose(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [all, setAll] = useState(true);
  // Pieces and weight apart ("120 · 3.750 kg"): a kilogram is not a piece.
  const onHand = (pieces: number, grams: number) =>
    [pieces || !grams ? fmt.qty(pieces, 'each') : null, grams ? fmt.mass(grams) : null].filter(Boolean).join(' · ');
  const [data, setData] = useState<{ rows: ValuationRow[]; totalQty: number; totalWeighed: number; totalValue: number } | null>(null);
  useEffect(() => {
    void stockData.valuation({ locationId: all ? null : locationId }).then((r) => r.ok && setData(r.value));
  }, [all, locationId]);
  return (
    <Modal title={t('inv.valuation.title')} onClose={onClose} size="lg" testId="valuation-dialog">
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
        <span>{t('inv.common.allLocations')}</span>
      </label>
      {!data ? (
        <div className="spinner" />
      ) : (
        <Table
          rows={data.rows}
          rowKey={(r) => r.categoryId ?? '-'}
          columns={[
            {
              key: 'category',
              header: t('inv.common.category'),
              cell: (r) => (r.categoryName ? <LocalName name={r.categoryName} altName={r.categoryAltName} /> : t('inv.common.noCategory')),
            },
            { key: 'items', header: t('inv.valuation.items'), num: true, cell: (r) => r.items },
            { key: 'onHand', header: t('inv.valuation.onHand'), num: true, cell: (r) => onHand(r.qty, r.weighed) },
            { key: 'value', header: t('inv.common.value'), num: true, cell: (r) => fmt.money(r.value) },
          ]}
          foot={
            <tr>
              <th>{t('inv.valuation.total')}</th>
              <th />
              <th className="num" data-testid="valuation-on-hand">
                {onHand(data.totalQty, data.totalWeighed)}
              </th>
              <th className="num" data-testid="valuation-total">
                {fmt.money(data.totalValue)}
              </th>
            </tr>
          }
        />
      )}
    </Modal>
  );
}

export function FlaggedDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rows, setRows] = useState<FlaggedRow[] | null>(null);
  useEffect(() => {
    void stockData.flagged({ offset: 0, limit: 500 }).then((r) => r.ok && setRows(r.value.items));
  }, []);
  return (
    <Modal title={t('inv.stock.flagged')} onClose={onClose} size="lg" testId="flagged-dialog">
      {!rows ? (
        <div className="spinner" />
      ) : (
        <Table
          rows={rows}
          rowKey={(r) => `${r.productId}@${r.locationId}`}
          empty={t('inv.common.none')}
          columns={[
            { key: 'sku', header: t('inv.common.sku'), cell: (r) => r.sku },
            { key: 'name', header: t('inv.common.name'), cell: (r) => <LocalName name={r.name} altName={r.altName} /> },
            { key: 'location', header: t('inv.common.location'), cell: (r) => r.locationName },
            { key: 'qty', header: t('inv.common.qty'), num: true, className: 'stock-out', cell: (r) => fmt.qtyUnit(r.qty, r.unit) },
            {
              key: 'date',
              header: t('inv.common.date'),
              className: 'muted',
              cell: (r) => (r.lastMovementAt ? fmt.dateTime(r.lastMovementAt) : ''),
            },
          ]}
        />
      )}
    </Modal>
  );
}
