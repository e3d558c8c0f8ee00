import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ReservedOnlineRow } from '../online-orders/ReservedOnlineRow';
import { ADJUST_REASONS } from '../../../shared/api/inventory-types';
import type { PriceChange, Product, StockItem, StockLevel } from '../../../shared/api';
import { parseQty } from '../../../shared/money';
import { FULL_EDGE, THUMB_EDGE } from '../../../shared/pictures';
import { localizedName } from '../../lib/names';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { saveBase64 } from '../../lib/save-file';
import { scaledJpeg } from '../../lib/picture';
import { forgetThumb } from '../../lib/useThumbs';
import { useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { ProductForm } from './ProductForm';
import { OnlineListingForm } from './OnlineListing';
import { MovementList } from './Reports';
import type { Unit } from '../../../shared/units';
import { stockData } from '../../data/inventory';
import { catalogData, labelsData } from '../../data/catalog';
import { Table } from '../../components/Table';

type Tab = 'details' | 'levels' | 'online' | 'movements' | 'prices';
type Reason = (typeof ADJUST_REASONS)[number];

/** Parses a signed quantity ("-3", "+1.5") for a unit; null when it is not one. */
function parseSigned(text: string, unit: Unit): number | null {
  const t = text.trim();
  const neg = t.startsWith('-') || t.startsWith('−');
  const v = parseQty(t.replace(/^[+\-−]/, ''), unit);
  return v === null ? null : neg ? -v : v;
}

/** A level's adjustment: set, add or remove, write off, or move to another location. */
function LevelAdjust({ item, level, onChanged }: { item: StockItem; level: StockLevel; onChanged(i: StockItem): void }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const locations = useInventory((s) => s.locations);
  const [mode, setMode] = useState<'set' | 'delta' | 'writeoff' | 'transfer'>('set');
  const [qty, setQty] = useState('');
  const [reason, setReason] = useState<Reason>('correction');
  const [to, setTo] = useState('');
  const others = locations.filter((l) => !l.archived && l.id !== level.locationId);

  const apply = async () => {
    const value = mode === 'delta' ? parseSigned(qty, item.unit) : parseQty(qty, item.unit);
    if (value === null || (mode !== 'set' && value === 0)) return notify.message('error', 'inv.common.qty');
    const r =
      mode === 'transfer'
        ? await stockData.transfer({
            fromId: level.locationId,
            toId: to || others[0]?.id || '',
            lines: [{ productId: item.productId, qty: value }],
          })
        : mode === 'writeoff'
          ? await stockData.writeOff({ productId: item.productId, locationId: level.locationId, qty: value, reason })
          : await stockData.adjust({ productId: item.productId, locationId: level.locationId, mode, qty: value, reason });
    if (!r.ok) return notify.error(r.error);
    setQty('');
    const fresh = await stockData.item({ productId: item.productId });
    if (fresh.ok) onChanged(fresh.value);
  };

  return (
    <div className="inline-form">
      <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} data-testid="adjust-mode">
        <option value="set">{t('inv.editor.setLevel')}</option>
        <option value="delta">{t('inv.editor.addRemove')}</option>
        <option value="writeoff">{t('inv.editor.writeOff')}</option>
        {others.length > 0 && <option value="transfer">{t('inv.editor.transfer')}</option>}
      </select>
      <input className="qty-field" value={qty} onChange={(e) => setQty(e.target.value)} inputMode="decimal" data-testid="adjust-qty" />
      {mode === 'transfer' ? (
        <select value={to} onChange={(e) => setTo(e.target.value)} aria-label={t('inv.editor.transferTo')}>
          {others.map((l) => (
            <option key={l.id} value={l.id}>
              → {l.name}
            </option>
          ))}
        </select>
      ) : (
        <select value={reason} onChange={(e) => setReason(e.target.value as Reason)} aria-label={t('inv.common.reason')}>
          {ADJUST_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`inv.editor.reasons.${r}`)}
            </option>
          ))}
        </select>
      )}
      <button type="button" className="btn btn-secondary btn-sm" onClick={() => void apply()} data-testid="adjust-apply">
        {t('inv.editor.apply')}
      </button>
    </div>
  );
}

/** A level's reorder rule: below the point, the reorder list suggests the quantity. */
function LevelReorder({ item, level, onChanged }: { item: StockItem; level: StockLevel; onChanged(i: StockItem): void }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [rp, setRp] = useState(level.reorderPoint === null ? '' : String(level.reorderPoint / 1000));
  const [rq, setRq] = useState(level.reorderQty === null ? '' : String(level.reorderQty / 1000));

  const saveRule = async (clear: boolean) => {
    const point = parseQty(rp || '0', item.unit);
    const amount = parseQty(rq || '0', item.unit);
    if (!clear && (point === null || amount === null || amount === 0)) return notify.message('error', 'inv.common.reorderQty');
    const r = await stockData.setReorder({
      productId: item.productId,
      locationId: level.locationId,
      rule: clear ? null : { reorderPoint: point!, reorderQty: amount! },
    });
    if (!r.ok) return notify.error(r.error);
    onChanged(r.value);
    notify.message('info', 'inv.common.saved');
  };

  return (
    <div className="inline-form">
      <input
        className="qty-field"
        value={rp}
        onChange={(e) => setRp(e.target.value)}
        placeholder={t('inv.common.reorderPoint')}
        data-testid="reorder-point"
      />
      <input
        className="qty-field"
        value={rq}
        onChange={(e) => setRq(e.target.value)}
        placeholder={t('inv.common.reorderQty')}
        data-testid="reorder-qty"
      />
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => void saveRule(false)} data-testid="reorder-save">
        {t('inv.editor.reorderSave')}
      </button>
      {level.reorderPoint !== null && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void saveRule(true)}>
          {t('inv.editor.reorderClear')}
        </button>
      )}
    </div>
  );
}

function Prices({ productId, unitFmt }: { productId: string; unitFmt(n: number): string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [rows, setRows] = useState<PriceChange[] | null>(null);
  useEffect(() => {
    void catalogData.priceHistory({ id: productId }).then((r) => r.ok && setRows(r.value));
  }, [productId]);
  if (!rows) return <div className="spinner" />;
  return (
    <Table
      testId="price-history"
      rows={rows.map((r, i) => ({ ...r, i }))}
      rowKey={(r) => String(r.i)}
      empty={t('inv.editor.noPriceChanges')}
      columns={[
        { key: 'at', header: t('inv.common.date'), className: 'muted', cell: (r) => fmt.dateTime(r.at) },
        { key: 'field', header: '', cell: (r) => (r.field === 'price' ? t('inv.common.price') : t('inv.common.cost')) },
        { key: 'from', header: t('inv.editor.from'), num: true, cell: (r) => unitFmt(r.from) },
        { key: 'to', header: t('inv.editor.to'), num: true, cell: (r) => unitFmt(r.to) },
        { key: 'by', header: t('inv.editor.by'), cell: (r) => r.staffName ?? '' },
        { key: 'note', header: t('inv.common.note'), className: 'muted', cell: (r) => r.reason ?? '' },
      ]}
    />
  );
}

/** The stock editor (managers only: the menu never shows it to a clerk, and main refuses a clerk every call it makes). */
export function StockEditor({ productId, onClose }: { productId: string; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const [tab, setTab] = useState<Tab>('levels');
  const [product, setProduct] = useState<Product | null>(null);
  const [item, setItem] = useState<StockItem | null>(null);
  const [image, setImage] = useState<string | null>(null);
  const [copies, setCopies] = useState('1');

  useEffect(() => {
    void Promise.all([catalogData.get({ id: productId }), stockData.item({ productId }), catalogData.image({ id: productId })]).then(
      ([p, s, img]) => {
        if (p.ok) setProduct(p.value);
        else notify.error(p.error);
        if (s.ok) setItem(s.value);
        if (img.ok) setImage(img.value.dataUrl);
      },
    );
  }, [productId, notify]);

  const upload = async (file: File) => {
    try {
      const [full, thumb] = await Promise.all([scaledJpeg(file, FULL_EDGE, 0.85), scaledJpeg(file, THUMB_EDGE, 0.8)]);
      forgetThumb(product?.image);
      const r = await catalogData.setImage({ id: productId, image: full, thumb });
      if (!r.ok) return notify.error(r.error);
      setProduct(r.value);
      setImage(`data:image/jpeg;base64,${full}`);
    } catch {
      notify.message('error', 'errors.VALIDATION');
    }
  };
  const clearImage = async () => {
    forgetThumb(product?.image);
    const r = await catalogData.clearImage({ id: productId });
    if (r.ok) {
      setProduct(r.value);
      setImage(null);
    }
  };
  const archive = async () => {
    if (!product) return;
    const r = await catalogData.archive({ id: productId, archived: !product.archived });
    if (r.ok) setProduct(r.value);
    else notify.error(r.error);
  };
  const labels = async (layout: 'sheet' | 'roll') => {
    const n = Math.max(1, Math.min(500, Number(copies) || 1));
    const r = await labelsData.pdf({ layout, items: [{ productId, copies: n }] });
    if (r.ok) saveBase64(r.value.fileName, r.value.base64, 'application/pdf');
    else notify.error(r.error);
  };

  const title = product ? `${localizedName(product.name, product.altName, i18n.language).primary} · ${product.sku}` : t('inv.editor.title');
  return (
    <Modal title={title} onClose={onClose} size="xl" testId="stock-editor">
      <div className="tabs">
        {(['levels', 'details', 'online', 'movements', 'prices'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className={`tab${tab === k ? ' tab-active' : ''}`}
            onClick={() => setTab(k)}
            data-testid={`editor-tab-${k}`}
          >
            {k === 'online' ? t('online.tab') : t(`inv.editor.${k}`)}
          </button>
        ))}
      </div>
      {!product || !item ? (
        <div className="spinner" />
      ) : tab === 'levels' ? (
        <Table
          rows={item.levels}
          rowKey={(l) => `${l.locationId}:${l.qty}:${l.reorderPoint}`}
          rowTestId="level-row"
          columns={[
            { key: 'location', header: t('inv.common.location'), cell: (l) => l.locationName },
            { key: 'qty', header: t('inv.common.qty'), num: true, testId: 'level-qty', cell: (l) => fmt.qtyUnit(l.qty, item.unit) },
            { key: 'adjust', header: t('inv.editor.adjust'), cell: (l) => <LevelAdjust item={item} level={l} onChanged={setItem} /> },
            {
              key: 'reorder',
              header: `${t('inv.common.reorderPoint')} / ${t('inv.common.reorderQty')}`,
              cell: (l) => <LevelReorder item={item} level={l} onChanged={setItem} />,
            },
          ]}
          foot={
            <>
              <tr>
                <th>{t('inv.common.total')}</th>
                <th className="num" data-testid="level-total">
                  {fmt.qtyUnit(item.total, item.unit)}
                </th>
                <th colSpan={2} />
              </tr>
              <ReservedOnlineRow productId={productId} unit={item.unit} colSpan={2} />
            </>
          }
        />
      ) : tab === 'details' ? (
        <div className="editor-details">
          <ProductForm product={product} onSaved={(p) => setProduct(p)} />
          <aside className="editor-side">
            <div className="picture">
              {image ? <img src={image} alt={product.name} /> : <span className="muted">{t('inv.editor.picture')}</span>}
            </div>
            <label className="btn btn-secondary btn-sm">
              {t('inv.editor.choosePicture')}
              <input
                type="file"
                accept="image/jpeg,image/png,image/webp"
                hidden
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void upload(f);
                }}
                data-testid="picture-input"
              />
            </label>
            {product.image && (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void clearImage()}>
                {t('inv.editor.removePicture')}
              </button>
            )}
            <div className="inline-form">
              <input
                className="qty-field"
                value={copies}
                onChange={(e) => setCopies(e.target.value.replace(/\D/g, ''))}
                aria-label={t('inv.common.copies')}
              />
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void labels('sheet')} data-testid="labels-sheet">
                {t('inv.common.sheet')}
              </button>
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void labels('roll')}>
                {t('inv.common.roll')}
              </button>
            </div>
            <button type="button" className="btn btn-danger btn-sm" onClick={() => void archive()} data-testid="archive-toggle">
              {product.archived ? t('inv.editor.unarchive') : t('inv.editor.archive')}
            </button>
          </aside>
        </div>
      ) : tab === 'online' ? (
        <OnlineListingForm product={product} />
      ) : tab === 'movements' ? (
        <MovementList filter={{ productId }} />
      ) : (
        <Prices productId={productId} unitFmt={(n) => fmt.money(n)} />
      )}
    </Modal>
  );
}
