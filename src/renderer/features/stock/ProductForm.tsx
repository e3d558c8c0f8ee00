import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { InputOf, Product } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { describeError, validationIssues } from '../../lib/errors';
import { localizedName } from '../../lib/names';
import { minorToInput } from '../../lib/format';
import { useApp } from '../../stores/app';
import { useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { isUnit, unitsForStore, type Unit } from '../../../shared/units';
import { catalogData } from '../../data/catalog';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

interface Draft {
  sku: string;
  name: string;
  altName: string;
  categoryId: string;
  supplierId: string;
  unit: Unit;
  price: string;
  cost: string;
  taxRateId: string;
  barcodes: string;
  plu: string;
}

function useCurrency() {
  const currency = useApp((s) => s.settings?.currency ?? 'USD');
  return { currency, digits: currencyDigits(currency) };
}

const REQUIRED = 'required';
const FIELD_LABELS: Record<string, string> = {
  sku: 'inv.common.sku',
  name: 'inv.common.name',
  altName: 'inv.common.altName',
  price: 'inv.common.price',
  cost: 'inv.common.cost',
  barcodes: 'inv.common.barcodes',
  plu: 'inv.common.plu',
  categoryId: 'inv.common.category',
  supplierId: 'inv.common.supplier',
  taxRateId: 'inv.common.taxRate',
  attributes: 'inv.group.attributes',
  values: 'inv.group.values',
};

/** What a field expects, said next to its name when the value is refused. */
const FIELD_HINTS: Record<string, string> = {
  plu: 'inv.common.pluHint',
};

/** Zod's messages are English and name fields by their code: name them as the form does, in its language. */
export function formError(t: TFunction, error: ApiError): string {
  const issues = validationIssues(error);
  if (issues.length === 0) return describeError(t, error);
  const label = (path: string) => {
    const parts = path.split('.');
    const field = [...parts].reverse().find((p) => p in FIELD_LABELS);
    const text = field ? t(FIELD_LABELS[field]!) : path;
    const row = parts[0] === 'variants' && /^\d+$/.test(parts[1] ?? '') ? Number(parts[1]) + 1 : null;
    return row === null ? text : `${text} (${row})`;
  };
  const hinted = (path: string) => {
    const field = path
      .split('.')
      .reverse()
      .find((p) => p in FIELD_HINTS);
    return field ? `${label(path)} (${t(FIELD_HINTS[field]!)})` : label(path);
  };
  const fields = (required: boolean) => [
    ...new Set(issues.filter((i) => (i.message === REQUIRED) === required).map((i) => (required ? label(i.path) : hinted(i.path)))),
  ];
  const missing = fields(true);
  const invalid = fields(false);
  const sep = t('inv.err.listSeparator');
  return [
    missing.length ? t('inv.err.required', { fields: missing.join(sep) }) : '',
    invalid.length ? t('inv.err.invalid', { fields: invalid.join(sep) }) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const splitCodes = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Create or edit one product; price and cost changes are audited by main. */
export function ProductForm({ product, onSaved }: { product: Product | null; onSaved(p: Product): void }) {
  const { t, i18n } = useTranslation();
  const { currency, digits } = useCurrency();
  const { categories, suppliers, taxRates } = useInventory();
  const notify = useNotify((s) => s.message);
  const [d, setD] = useState<Draft>(() => ({
    sku: product?.sku ?? '',
    name: product?.name ?? '',
    altName: product?.altName ?? '',
    categoryId: product?.categoryId ?? '',
    supplierId: product?.supplierId ?? '',
    unit: product?.unit ?? 'each',
    price: product ? minorToInput(product.price, digits) : '',
    cost: product ? minorToInput(product.cost, digits) : '',
    taxRateId: product?.taxRateId ?? taxRates.find((r) => r.isDefault)?.id ?? '',
    barcodes: product?.barcodes.join(', ') ?? '',
    plu: product?.plu ?? '',
  }));
  const storeLanguage = useApp((s) => s.settings?.language ?? s.status?.language ?? 'en');
  // The units this store's customers buy by, and the product's own unit even when it is not one of them (imported).
  const offered = unitsForStore({ language: storeLanguage, currency });
  const unitChoices = offered.includes(d.unit) ? offered : [...offered, d.unit];
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setD((x) => ({ ...x, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const price = parseMoney(d.price, currency);
    const cost = d.cost.trim() ? parseMoney(d.cost, currency) : 0;
    const issues = [
      ...(['sku', 'name', 'price'] as const).filter((k) => !d[k].trim()).map((k) => ({ path: [k], message: REQUIRED })),
      ...(d.price.trim() && price === null ? [{ path: ['price'], message: 'invalid' }] : []),
      ...(cost === null ? [{ path: ['cost'], message: 'invalid' }] : []),
      ...(d.plu.trim() && !/^\d{1,5}$/.test(d.plu.trim()) ? [{ path: ['plu'], message: 'invalid' }] : []),
    ];
    if (issues.length > 0 || price === null || cost === null) {
      setError({ code: 'VALIDATION', message: 'form', details: issues });
      return;
    }
    const fields = {
      sku: d.sku.trim(),
      name: d.name.trim(),
      altName: d.altName.trim() || null,
      categoryId: d.categoryId || null,
      supplierId: d.supplierId || null,
      unit: d.unit,
      price,
      cost,
      taxRateId: d.taxRateId || undefined,
      barcodes: splitCodes(d.barcodes),
      // Scales print the PLU zero-padded to 5 digits: "42" is the same item as "00042".
      plu: d.plu.trim() ? d.plu.trim().padStart(5, '0') : null,
    };
    setBusy(true);
    const r = product ? await catalogData.update({ id: product.id, ...fields }) : await catalogData.create(fields);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    notify('info', 'inv.common.saved');
    onSaved(r.value);
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="stack" data-testid="product-form" noValidate>
      <div className="field-grid">
        <Field label={t('inv.common.sku')}>
          <input value={d.sku} onChange={set('sku')} maxLength={64} data-testid="product-sku" />
        </Field>
        <Field label={t('inv.common.name')}>
          <input value={d.name} onChange={set('name')} maxLength={120} data-testid="product-name" />
        </Field>
        <Field label={t('inv.common.altName')}>
          <input value={d.altName} onChange={set('altName')} maxLength={120} />
        </Field>
        <Field label={t('inv.common.category')}>
          <select value={d.categoryId} onChange={set('categoryId')}>
            <option value="">{t('inv.common.noCategory')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {localizedName(c.name, c.altName, i18n.language).primary}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inv.common.price')}>
          <input value={d.price} onChange={set('price')} inputMode="decimal" data-testid="product-price" />
        </Field>
        <Field label={t('inv.common.cost')}>
          <input value={d.cost} onChange={set('cost')} inputMode="decimal" data-testid="product-cost" />
        </Field>
        <Field label={t('inv.common.unit')} hint={t('inv.common.unitHint')} hintId="product-unit-hint">
          <select
            value={d.unit}
            onChange={(e) => setD((x) => ({ ...x, unit: isUnit(e.target.value) ? e.target.value : 'each' }))}
            aria-describedby="product-unit-hint"
            data-testid="product-unit"
          >
            {unitChoices.map((u) => (
              <option key={u} value={u}>
                {t(`inv.common.unitName.${u}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inv.common.taxRate')}>
          <select value={d.taxRateId} onChange={set('taxRateId')}>
            {taxRates.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.rateBp / 100}%)
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inv.common.barcodes')} hint={t('inv.common.barcodesHint')}>
          <input value={d.barcodes} onChange={set('barcodes')} data-testid="product-barcodes" />
        </Field>
        <Field label={t('inv.common.supplier')}>
          <select value={d.supplierId} onChange={set('supplierId')} data-testid="product-supplier">
            <option value="">{t('inv.common.noSupplier')}</option>
            {suppliers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('inv.common.plu')} hint={t('inv.common.pluHint')} hintId="product-plu-hint">
          <input
            value={d.plu}
            onChange={set('plu')}
            maxLength={5}
            inputMode="numeric"
            placeholder="00042"
            aria-describedby="product-plu-hint"
            data-testid="product-plu"
          />
        </Field>
      </div>
      <InlineError text={error ? formError(t, error) : null} testId="product-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="product-save">
          {product ? t('inv.common.save') : t('inv.common.create')}
        </button>
      </div>
    </form>
  );
}

export function ProductDialog({ onClose }: { onClose(createdId?: string): void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('inv.stock.newProduct')} onClose={() => onClose()} size="lg" testId="product-dialog">
      <ProductForm product={null} onSaved={(p) => onClose(p.id)} />
    </Modal>
  );
}

interface VariantDraft {
  values: string;
  sku: string;
  price: string;
  barcodes: string;
}

/** A product with variants: the attributes once, then one row per variant with its own SKU, price and barcodes. */
export function GroupDialog({ onClose }: { onClose(): void }) {
  const { t, i18n } = useTranslation();
  const { currency } = useCurrency();
  const { categories } = useInventory();
  const notify = useNotify((s) => s.message);
  const [name, setName] = useState('');
  const [attributes, setAttributes] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [rows, setRows] = useState<VariantDraft[]>([{ values: '', sku: '', price: '', barcodes: '' }]);
  const [error, setError] = useState<ApiError | null>(null);
  const attrs = attributes
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const variants: InputOf<'catalog.groupCreate'>['variants'] = rows.map((r) => {
      const vals = r.values.split('/').map((v) => v.trim());
      return {
        sku: r.sku.trim(),
        values: Object.fromEntries(attrs.map((a, i) => [a, vals[i] ?? ''])),
        price: parseMoney(r.price, currency) ?? -1,
        cost: 0,
        barcodes: splitCodes(r.barcodes),
      };
    });
    const res = await catalogData.groupCreate({
      name: name.trim(),
      attributes: attrs,
      unit: 'each',
      categoryId: categoryId || null,
      variants,
    });
    if (!res.ok) {
      setError(res.error);
      return;
    }
    notify('info', 'inv.common.saved');
    onClose();
  };

  return (
    <Modal title={t('inv.group.title')} onClose={onClose} size="lg" testId="group-dialog">
      <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
        <div className="field-grid">
          <Field label={t('inv.common.name')}>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('inv.group.attributes')}>
            <input value={attributes} onChange={(e) => setAttributes(e.target.value)} placeholder={t('inv.group.attributesHint')} />
          </Field>
          <Field label={t('inv.common.category')}>
            <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">{t('inv.common.noCategory')}</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {localizedName(c.name, c.altName, i18n.language).primary}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Table
          rows={rows.map((r, i) => ({ r, i }))}
          rowKey={(x) => String(x.i)}
          columns={(['values', 'sku', 'price', 'barcodes'] as const).map((k) => ({
            key: k,
            header:
              k === 'values'
                ? `${t('inv.group.values')} (${attrs.join(' / ')})`
                : t(k === 'sku' ? 'inv.common.sku' : k === 'price' ? 'inv.common.price' : 'inv.common.barcodes'),
            cell: ({ r, i }: { r: (typeof rows)[number]; i: number }) => (
              <input
                value={r[k]}
                onChange={(e) => setRows((all) => all.map((x, j) => (j === i ? { ...x, [k]: e.target.value } : x)))}
                placeholder={k === 'values' ? attrs.map(() => '…').join(' / ') : ''}
              />
            ),
          }))}
        />
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => setRows((all) => [...all, { values: '', sku: '', price: '', barcodes: '' }])}
        >
          + {t('inv.group.addVariant')}
        </button>
        <InlineError text={error ? formError(t, error) : null} testId="group-error" />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            {t('inv.common.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
