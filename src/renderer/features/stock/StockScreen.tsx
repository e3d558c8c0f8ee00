import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InputOf, StockRow } from '../../../shared/api';
import { useFormat } from '../../lib/format';
import { saveBase64, saveText } from '../../lib/save-file';
import { localizedName } from '../../lib/names';
import { usePaged } from '../../lib/usePaged';
import { useThumbs } from '../../lib/useThumbs';
import { defaultLocation, useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { isLanguage } from '../../i18n';
import { TopBar } from '../../components/TopBar';
import { StockEditor } from './StockEditor';
import { GroupDialog, ProductDialog } from './ProductForm';
import { ImportDialog } from './ImportDialog';
import { FlaggedDialog, MovementsDialog, ValuationDialog } from './Reports';
import { ManageDialog } from './ManageDialog';
import { exportsData, stockData } from '../../data/inventory';
import { labelsData } from '../../data/catalog';

const ROW = 52;
type Status = 'all' | 'low' | 'negative' | 'out';
type Sort = 'name' | 'sku' | 'qty';

/** The stock list of one location: filtered, sorted and paged in SQL, only visible rows rendered. */
export function StockScreen() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const { locations, categories, loadRefs } = useInventory();
  const [locationId, setLocationId] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>('all');
  const [sort, setSort] = useState<Sort>('name');
  const [dir, setDir] = useState<'asc' | 'desc'>('asc');
  const [archived, setArchived] = useState(false);
  const [total, setTotal] = useState<number | null>(null);
  const [capped, setCapped] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [dialog, setDialog] = useState<null | 'new' | 'group' | 'import' | 'valuation' | 'flagged' | 'history' | 'manage'>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [version, setVersion] = useState(0);

  useEffect(() => {
    void loadRefs();
  }, [loadRefs]);
  const loc = locationId ?? defaultLocation(locations)?.id ?? null;

  useEffect(() => {
    const id = setTimeout(() => setQ(typed.trim()), 200);
    return () => clearTimeout(id);
  }, [typed]);

  const filter: InputOf<'stock.count'> | null = loc
    ? { locationId: loc, q: q || undefined, categoryId, status, includeArchived: archived || undefined }
    : null;
  // Names sort the way the screen reads them (pinyin on a Chinese screen), so the language is part of the list.
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const key = JSON.stringify([filter, sort, dir, version, language]);
  const list = usePaged<StockRow>(key, async (offset, limit) => {
    if (!filter) return null;
    const r = await stockData.list({ ...filter, sort, dir, language, offset, limit });
    if (!r.ok) {
      notify.error(r.error);
      return null;
    }
    return r.value;
  });

  useEffect(() => {
    setTotal(null);
    if (!filter) return;
    let live = true;
    void stockData.count(filter).then((r) => {
      if (!live || !r.ok) return;
      setTotal(r.value.total);
      setCapped(r.value.capped);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const count = total ?? list.count;
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    for (let p = Math.floor(first / 100); p <= Math.floor(last / 100); p++) list.ensure(p);
  }, [first, last, key, list]);
  const thumbs = useThumbs(items.map((v) => list.rowAt(v.index)?.image));

  const sortBy = (s: Sort) => {
    if (s === sort) setDir((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(s);
      setDir(s === 'qty' ? 'asc' : 'asc');
    }
  };
  const arrow = (s: Sort) => (sort === s ? (dir === 'asc' ? ' ▲' : ' ▼') : '');
  const refresh = () => setVersion((v) => v + 1);

  const exportCsv = async (kind: 'products' | 'stock') => {
    const r = await exportsData.csv(kind === 'stock' && loc ? { kind, locationId: loc } : { kind });
    if (r.ok) saveText(r.value.fileName, r.value.csv);
    else notify.error(r.error);
  };
  const labels = async (layout: 'sheet' | 'roll') => {
    const r = await labelsData.pdf({ layout, items: [...selected].map((productId) => ({ productId, copies: 1 })) });
    if (r.ok) saveBase64(r.value.fileName, r.value.base64, 'application/pdf');
    else notify.error(r.error);
  };

  return (
    <div className="manager-screen" data-testid="stock-screen">
      <TopBar />
      <main className="manager-main">
        <div className="toolbar">
          <h1>{t('inv.stock.title')}</h1>
          <select
            value={loc ?? ''}
            onChange={(e) => setLocationId(e.target.value)}
            aria-label={t('inv.common.location')}
            data-testid="stock-location"
          >
            {locations
              .filter((l) => !l.archived)
              .map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
          </select>
          <input
            type="search"
            className="toolbar-search"
            placeholder={t('inv.common.search')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="stock-search"
          />
          <select value={categoryId ?? ''} onChange={(e) => setCategoryId(e.target.value || null)} aria-label={t('inv.common.category')}>
            <option value="">{t('inv.common.category')}: —</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {localizedName(c.name, c.altName, i18n.language).primary}
              </option>
            ))}
          </select>
          <div className="segmented" role="group">
            {(['all', 'low', 'negative', 'out'] as const).map((s) => (
              <button
                key={s}
                type="button"
                className={`segment${status === s ? ' segment-active' : ''}`}
                onClick={() => setStatus(s)}
                data-testid={`stock-status-${s}`}
              >
                {t(`inv.stock.status${s[0]!.toUpperCase()}${s.slice(1)}`)}
              </button>
            ))}
          </div>
          <label className="check">
            <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
            <span>{t('inv.stock.showArchived')}</span>
          </label>
        </div>
        <div className="toolbar toolbar-actions">
          <button type="button" className="btn btn-primary btn-sm" onClick={() => setDialog('new')} data-testid="new-product">
            {t('inv.stock.newProduct')}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDialog('group')}>
            {t('inv.stock.newGroup')}
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDialog('import')} data-testid="import-csv">
            {t('inv.stock.import')}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void exportCsv('products')}>
            {t('inv.stock.exportProducts')}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => void exportCsv('stock')}>
            {t('inv.stock.exportStock')}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setDialog('manage')} data-testid="manage-open">
            {t('inv.manage.title')}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setDialog('valuation')}>
            {t('inv.stock.valuation')}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setDialog('flagged')}>
            {t('inv.stock.flagged')}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setDialog('history')}>
            {t('inv.stock.history')}
          </button>
          {selected.size > 0 && (
            <>
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void labels('sheet')}>
                {t('inv.stock.labelsSelected')} · {t('inv.common.sheet')} ({selected.size})
              </button>
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void labels('roll')}>
                {t('inv.common.roll')}
              </button>
            </>
          )}
          <span className="muted toolbar-count" data-testid="stock-count">
            {total !== null ? (capped ? t('inv.stock.capped', { count: total }) : t('inv.stock.count', { count: total })) : ''}
          </span>
        </div>

        <div className="vtable stock-table">
          <div className="vrow vhead" role="row">
            <span />
            <span />
            <button type="button" className="vsort" onClick={() => sortBy('sku')}>
              {t('inv.common.sku')}
              {arrow('sku')}
            </button>
            <button type="button" className="vsort" onClick={() => sortBy('name')}>
              {t('inv.common.name')}
              {arrow('name')}
            </button>
            <button type="button" className="vsort num" onClick={() => sortBy('qty')} data-testid="sort-qty">
              {t('inv.stock.here')}
              {arrow('qty')}
            </button>
            <span className="num">{t('inv.common.reorderPoint')}</span>
            <span className="num">{t('inv.stock.everywhere')}</span>
            <span className="num">{t('inv.common.price')}</span>
            <span className="num">{t('inv.common.cost')}</span>
          </div>
          <div className="vbody" ref={scrollRef} data-testid="stock-list">
            {list.done && count === 0 && <div className="grid-empty muted">{t('inv.stock.emptyList')}</div>}
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((v) => {
                const r = list.rowAt(v.index);
                const style = { transform: `translateY(${v.start}px)`, height: ROW };
                if (!r)
                  return (
                    <div key={v.key} className="vrow vrow-loading" style={style}>
                      <span />
                    </div>
                  );
                const n = localizedName(r.name, r.altName, i18n.language);
                const thumb = r.image ? thumbs.get(r.image) : null;
                const low = r.reorderPoint !== null && r.qty <= r.reorderPoint;
                return (
                  <div
                    key={v.key}
                    className={`vrow vrow-click${r.archived ? ' row-muted' : ''}`}
                    style={style}
                    onClick={() => setOpen(r.productId)}
                    role="row"
                    data-testid="stock-row"
                  >
                    <span onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={r.sku}
                        checked={selected.has(r.productId)}
                        onChange={(e) =>
                          setSelected((s) => {
                            const next = new Set(s);
                            if (e.target.checked) next.add(r.productId);
                            else next.delete(r.productId);
                            return next;
                          })
                        }
                      />
                    </span>
                    <span className="thumb">{thumb ? <img src={thumb} alt="" /> : null}</span>
                    <span className="ellipsis mono">{r.sku}</span>
                    <span className="vname">
                      <span className="ellipsis">{n.primary}</span>
                      {n.secondary && <small className="muted ellipsis">{n.secondary}</small>}
                    </span>
                    <span className={`num${r.qty < 0 ? ' stock-out' : low ? ' stock-low' : ''}`} data-testid="stock-qty">
                      {fmt.qtyUnit(r.qty, r.unit)}
                    </span>
                    <span className="num muted">{r.reorderPoint === null ? '' : fmt.qty(r.reorderPoint, r.unit)}</span>
                    <span className="num">{fmt.qtyUnit(r.total, r.unit)}</span>
                    <span className="num">{fmt.money(r.price)}</span>
                    <span className="num muted">{fmt.money(r.cost)}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      </main>
      {open && (
        <StockEditor
          productId={open}
          onClose={() => {
            setOpen(null);
            refresh();
          }}
        />
      )}
      {dialog === 'new' && (
        <ProductDialog
          onClose={(id) => {
            setDialog(null);
            refresh();
            if (id) setOpen(id);
          }}
        />
      )}
      {dialog === 'group' && (
        <GroupDialog
          onClose={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
      {dialog === 'import' && (
        <ImportDialog
          locationId={loc}
          onClose={() => {
            setDialog(null);
            refresh();
            void loadRefs();
          }}
        />
      )}
      {dialog === 'valuation' && <ValuationDialog locationId={loc} onClose={() => setDialog(null)} />}
      {dialog === 'flagged' && <FlaggedDialog onClose={() => setDialog(null)} />}
      {dialog === 'manage' && (
        <ManageDialog
          onClose={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
      {dialog === 'history' && <MovementsDialog filter={{ locationId: loc ?? undefined }} onClose={() => setDialog(null)} />}
    </div>
  );
}
