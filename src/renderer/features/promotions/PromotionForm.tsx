import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PromotionRecord } from '../../../shared/api/promotions';
import type { CustomerGroup } from '../../../shared/api/price-lists';
import { DateField } from '../../components/DateField';
import { Field as SharedField } from '../../components/Field';
import { InlineError } from '../../components/ErrorBanner';
import { describeError, validationIssues } from '../../lib/errors';
import { CategoryPicker, ProductPicker, ProductSearch, productLabel, type PickedProduct } from './Pickers';
import { draftOf, emptyForm, formOf, KINDS, type FieldErrors, type FormState } from './form-state';
import type { ApiError } from '../../../shared/errors';
import { catalogData } from '../../data/catalog';
import { promotionsData } from '../../data/promotions';
import { customerGroupsData } from '../../data/price-lists';

const FIELD_PATHS = [
  'name',
  'nameZh',
  'rule.scope',
  'rule.bp',
  'rule.minorPerUnit',
  'rule.buyQty',
  'rule.getQty',
  'rule.getBp',
  'rule.qty',
  'rule.price',
  'rule.tiers',
  'rule.items',
  'rule.maxApplications',
  'conditions.endDate',
  'conditions.hours',
  'priority',
];

/** Main's issue paths ("promotion.rule.bp") to the field that shows them. */
function fieldOf(path: string): string | null {
  const p = path.replace(/^promotion\./, '');
  if (p.startsWith('rule.items')) return 'rule.items';
  if (p.startsWith('rule.scope')) return 'rule.scope';
  if (p.startsWith('conditions') && !p.startsWith('conditions.hours')) return 'conditions.endDate';
  return FIELD_PATHS.filter((f) => p === f || p.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0] ?? null;
}

/** The promotion form's fields hold groups (tiers, a bundle's items), so they are not one label. */
function Field(props: { label: string; error?: string; children: ReactNode; testId?: string }) {
  return <SharedField as="div" errorTestId="promo-field-error" {...props} />;
}

/**
 * Create or edit a promotion: every rule kind and condition the engine reads. Checked here first
 * (errors beside their fields, nothing sent), then by main, whose issues land beside the fields too.
 * `onDraft` hands the current definition (null while invalid) to the try-a-cart panel.
 */
export function PromotionForm({
  record,
  currency,
  onSaved,
  onCancel,
  onDraft,
}: {
  record: PromotionRecord | null;
  currency: string;
  onSaved(r: PromotionRecord): void;
  onCancel(): void;
  onDraft(draft: ReturnType<typeof draftOf>['draft']): void;
}) {
  const { t, i18n } = useTranslation();
  const [f, setF] = useState<FormState>(() => (record ? formOf(record.promotion, record.active, currency) : emptyForm()));
  // After a first try to save, the fields are checked again as they change, so a fixed one clears.
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [names, setNames] = useState<Map<string, PickedProduct>>(new Map());
  const set = (patch: Partial<FormState>) => {
    setF((cur) => ({ ...cur, ...patch }));
    setServerErrors({});
  };
  const remember = (p?: PickedProduct) => p && setNames((m) => new Map(m).set(p.id, p));

  // Names of the products a stored promotion lists (ids only in its definition).
  useEffect(() => {
    if (!record) return;
    const r = record.promotion.rule;
    const ids = r.kind === 'bundle' ? r.items.map((i) => i.productId) : r.scope.kind === 'products' ? r.scope.productIds : [];
    let live = true;
    void Promise.all(ids.slice(0, 100).map((id) => catalogData.get({ id }))).then((rs) => {
      if (!live) return;
      const m = new Map<string, PickedProduct>();
      for (const x of rs)
        if (x.ok)
          m.set(x.value.id, { id: x.value.id, name: x.value.name, altName: x.value.altName, price: x.value.price, unit: x.value.unit });
      setNames(m);
    });
    return () => {
      live = false;
    };
  }, [record]);

  const current = draftOf(f, currency);
  const errors: FieldErrors = tried ? current.errors : {};
  useEffect(() => {
    onDraft(draftOf(f, currency).draft);
  }, [f, currency, onDraft]);

  const err = (path: string) => (errors[path] ? t(errors[path]) : serverErrors[path]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setServerErrors({});
    setTried(true);
    const { draft } = draftOf(f, currency);
    if (!draft) return;
    setBusy(true);
    const { id, ...rest } = draft;
    const r = id
      ? await promotionsData.update({ promotion: { ...rest, id } })
      : await promotionsData.create({ promotion: rest, active: f.active });
    setBusy(false);
    if (r.ok) {
      onSaved(r.value);
      return;
    }
    const byField: Record<string, string> = {};
    let placed = false;
    for (const issue of validationIssues(r.error, i18n.language, t)) {
      const field = fieldOf(issue.path);
      if (field && !(field in byField)) {
        byField[field] = issue.message;
        placed = true;
      }
    }
    setServerErrors(byField);
    if (!placed) setError(r.error);
  };

  const invalid = Object.keys(errors).length > 0 || Object.keys(serverErrors).length > 0;
  const scoped = f.kind !== 'bundle';
  return (
    <form className="card settings-card promo-form" onSubmit={(e) => void submit(e)} data-testid="promo-form" noValidate>
      <h2>{t(record ? 'promotions.form.editTitle' : 'promotions.form.newTitle')}</h2>
      <div className="field-grid">
        <Field label={t('promotions.form.name')} error={err('name')}>
          <input value={f.name} maxLength={120} onChange={(e) => set({ name: e.target.value })} data-testid="promo-name" />
        </Field>
        <Field label={t('promotions.form.nameZh')} error={err('nameZh')}>
          <input value={f.nameZh} maxLength={120} onChange={(e) => set({ nameZh: e.target.value })} data-testid="promo-name-zh" />
        </Field>
      </div>
      <Field label={t('promotions.form.kind')}>
        <select value={f.kind} onChange={(e) => set({ kind: e.target.value as FormState['kind'] })} data-testid="promo-kind">
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`promotions.kind.${k}`)}
            </option>
          ))}
        </select>
      </Field>

      {scoped && (
        <Field label={t('promotions.form.scope')} error={err('rule.scope')}>
          <div className="segmented promo-scope" role="radiogroup">
            {(['all', 'products', 'categories'] as const).map((s) => (
              <label key={s} className="promo-radio">
                <input
                  type="radio"
                  name="promo-scope"
                  checked={f.scopeKind === s}
                  onChange={() => set({ scopeKind: s })}
                  data-testid={`promo-scope-${s}`}
                />
                <span>{t(`promotions.form.scope${s[0]!.toUpperCase()}${s.slice(1)}`)}</span>
              </label>
            ))}
          </div>
          {f.scopeKind === 'products' && (
            <ProductPicker
              value={f.productIds}
              names={names}
              testId="promo-products"
              onChange={(ids, picked) => {
                remember(picked);
                set({ productIds: ids });
              }}
            />
          )}
          {f.scopeKind === 'categories' && (
            <CategoryPicker value={f.categoryIds} onChange={(ids) => set({ categoryIds: ids })} testId="promo-categories" />
          )}
        </Field>
      )}

      <div className="field-grid">
        {f.kind === 'percent_off' && (
          <Field label={t('promotions.form.percent')} error={err('rule.bp')}>
            <div className="input-suffix">
              <input inputMode="decimal" value={f.percent} onChange={(e) => set({ percent: e.target.value })} data-testid="promo-percent" />
              <span>%</span>
            </div>
          </Field>
        )}
        {f.kind === 'amount_off' && (
          <Field label={t('promotions.form.amountPerUnit')} error={err('rule.minorPerUnit')}>
            <input inputMode="decimal" value={f.amount} onChange={(e) => set({ amount: e.target.value })} data-testid="promo-amount" />
          </Field>
        )}
        {f.kind === 'buy_x_get_y' && (
          <>
            <Field label={t('promotions.form.buyQty')} error={err('rule.buyQty')}>
              <input inputMode="numeric" value={f.buyQty} onChange={(e) => set({ buyQty: e.target.value })} data-testid="promo-buy" />
            </Field>
            <Field label={t('promotions.form.getQty')} error={err('rule.getQty')}>
              <input inputMode="numeric" value={f.getQty} onChange={(e) => set({ getQty: e.target.value })} data-testid="promo-get" />
            </Field>
            <Field label={t('promotions.form.getPercent')} error={err('rule.getBp')}>
              <div className="input-suffix">
                <input
                  inputMode="decimal"
                  value={f.getPercent}
                  onChange={(e) => set({ getPercent: e.target.value })}
                  data-testid="promo-get-percent"
                />
                <span>%</span>
              </div>
            </Field>
          </>
        )}
        {f.kind === 'mix_match' && (
          <>
            <Field label={t('promotions.form.qty')} error={err('rule.qty')}>
              <input inputMode="numeric" value={f.mixQty} onChange={(e) => set({ mixQty: e.target.value })} data-testid="promo-mix-qty" />
            </Field>
            <Field label={t('promotions.form.price')} error={err('rule.price')}>
              <input inputMode="decimal" value={f.price} onChange={(e) => set({ price: e.target.value })} data-testid="promo-price" />
            </Field>
          </>
        )}
        {(f.kind === 'buy_x_get_y' || f.kind === 'mix_match' || f.kind === 'bundle') && (
          <Field label={t('promotions.form.maxApplications')} error={err('rule.maxApplications')}>
            <input
              inputMode="numeric"
              value={f.maxApplications}
              onChange={(e) => set({ maxApplications: e.target.value })}
              data-testid="promo-max"
            />
          </Field>
        )}
      </div>

      {f.kind === 'threshold' && (
        <Field label={t('promotions.form.tiers')} error={err('rule.tiers')} testId="promo-tiers">
          {f.tiers.map((tier, i) => (
            <div className="promo-row" key={i}>
              <label className="promo-inline">
                <span>{t('promotions.form.minSpend')}</span>
                <input
                  inputMode="decimal"
                  value={tier.min}
                  onChange={(e) => set({ tiers: f.tiers.map((x, j) => (j === i ? { ...x, min: e.target.value } : x)) })}
                  data-testid="promo-tier-min"
                />
              </label>
              <label className="promo-inline">
                <span>{t('promotions.form.off')}</span>
                <select
                  value={tier.offKind}
                  onChange={(e) =>
                    set({ tiers: f.tiers.map((x, j) => (j === i ? { ...x, offKind: e.target.value as 'amount' | 'percent' } : x)) })
                  }
                >
                  <option value="amount">{t('promotions.form.offAmount')}</option>
                  <option value="percent">{t('promotions.form.offPercent')}</option>
                </select>
                <input
                  inputMode="decimal"
                  value={tier.off}
                  onChange={(e) => set({ tiers: f.tiers.map((x, j) => (j === i ? { ...x, off: e.target.value } : x)) })}
                  data-testid="promo-tier-off"
                />
                {tier.offKind === 'percent' && <span>%</span>}
              </label>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => set({ tiers: f.tiers.filter((_, j) => j !== i) })}>
                {t('promotions.form.remove')}
              </button>
            </div>
          ))}
          <div>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={f.tiers.length >= 20}
              onClick={() => set({ tiers: [...f.tiers, { min: '', offKind: 'amount', off: '' }] })}
              data-testid="promo-tier-add"
            >
              {t('promotions.form.addTier')}
            </button>
          </div>
        </Field>
      )}

      {f.kind === 'bundle' && (
        <>
          <Field label={t('promotions.form.bundleItems')} error={err('rule.items')} testId="promo-bundle">
            {f.bundle.map((item, i) => {
              const p = names.get(item.productId);
              return (
                <div className="promo-row" key={item.productId}>
                  <span className="promo-row-name">{p ? productLabel(p, i18n.language) : '…'}</span>
                  <label className="promo-inline">
                    <span>{t('promotions.form.pieces')}</span>
                    <input
                      inputMode="numeric"
                      value={item.qty}
                      onChange={(e) => set({ bundle: f.bundle.map((x, j) => (j === i ? { ...x, qty: e.target.value } : x)) })}
                      data-testid="promo-bundle-qty"
                    />
                  </label>
                  <button
                    type="button"
                    className="btn btn-ghost btn-sm"
                    onClick={() => set({ bundle: f.bundle.filter((_, j) => j !== i) })}
                  >
                    {t('promotions.form.remove')}
                  </button>
                </div>
              );
            })}
            {f.bundle.length < 20 && (
              <ProductSearch
                testId="promo-bundle"
                onPick={(p) => {
                  remember(p);
                  if (!f.bundle.some((b) => b.productId === p.id)) set({ bundle: [...f.bundle, { productId: p.id, qty: '1' }] });
                }}
              />
            )}
          </Field>
          <Field label={t('promotions.form.bundlePrice')} error={err('rule.price')}>
            <input inputMode="decimal" value={f.price} onChange={(e) => set({ price: e.target.value })} data-testid="promo-price" />
          </Field>
        </>
      )}

      <h3>{t('promotions.form.when')}</h3>
      <div className="field-grid">
        <Field label={t('promotions.form.startDate')}>
          <DateField value={f.startDate} onChange={(v) => set({ startDate: v })} testId="promo-start" />
        </Field>
        <Field label={t('promotions.form.endDate')} error={err('conditions.endDate')}>
          <DateField value={f.endDate} onChange={(v) => set({ endDate: v })} testId="promo-end" />
        </Field>
      </div>
      <Field label={t('promotions.form.weekdays')}>
        <div className="promo-weekdays">
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <label key={d} className="promo-radio">
              <input
                type="checkbox"
                checked={f.weekdays.includes(d)}
                onChange={(e) => set({ weekdays: e.target.checked ? [...f.weekdays, d] : f.weekdays.filter((x) => x !== d) })}
                data-testid={`promo-weekday-${d}`}
              />
              <span>{t(`promotions.weekday.${d}`)}</span>
            </label>
          ))}
        </div>
      </Field>
      <Field label={t('promotions.form.hours')} error={err('conditions.hours')}>
        {f.hours.map((h, i) => (
          <div className="promo-row" key={i}>
            <label className="promo-inline">
              <span>{t('promotions.form.hoursFrom')}</span>
              <input
                type="time"
                value={h.from}
                onChange={(e) => set({ hours: f.hours.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)) })}
              />
            </label>
            <label className="promo-inline">
              <span>{t('promotions.form.hoursTo')}</span>
              <input
                type="time"
                value={h.to}
                onChange={(e) => set({ hours: f.hours.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)) })}
              />
            </label>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => set({ hours: f.hours.filter((_, j) => j !== i) })}>
              {t('promotions.form.remove')}
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={f.hours.length >= 8}
            onClick={() => set({ hours: [...f.hours, { from: '09:00', to: '12:00' }] })}
            data-testid="promo-hours-add"
          >
            {t('promotions.form.addHours')}
          </button>
        </div>
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={f.memberOnly}
          onChange={(e) => set({ memberOnly: e.target.checked })}
          data-testid="promo-member-only"
        />
        <span>{t('promotions.form.memberOnly')}</span>
      </label>
      <GroupPicker
        selected={f.kept.customerGroupIds ?? []}
        onChange={(ids) => set({ kept: { ...f.kept, customerGroupIds: ids.length > 0 ? ids : undefined } })}
      />

      <div className="field-grid">
        <Field label={t('promotions.form.stacking')}>
          <select
            value={f.stacking}
            onChange={(e) => set({ stacking: e.target.value as FormState['stacking'] })}
            data-testid="promo-stacking"
          >
            <option value="stackable">{t('promotions.form.stackable')}</option>
            <option value="exclusive">{t('promotions.form.exclusive')}</option>
          </select>
        </Field>
        <Field label={t('promotions.form.priority')} error={err('priority')}>
          <input inputMode="numeric" value={f.priority} onChange={(e) => set({ priority: e.target.value })} data-testid="promo-priority" />
        </Field>
      </div>
      {!record && (
        <label className="check">
          <input type="checkbox" checked={f.active} onChange={(e) => set({ active: e.target.checked })} data-testid="promo-active" />
          <span>{t('promotions.form.activeNow')}</span>
        </label>
      )}

      {invalid && <p className="field-error">{t('promotions.form.fix')}</p>}
      <InlineError text={error ? describeError(t, error) : null} testId="promo-form-error" />
      <div className="promo-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel} data-testid="promo-cancel">
          {t('promotions.form.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="promo-save">
          {t('promotions.form.save')}
        </button>
      </div>
    </form>
  );
}

/** Customer groups (会员, 批发) the promotion is limited to; none ticked: every customer. */
function GroupPicker({ selected, onChange }: { selected: string[]; onChange(ids: string[]): void }) {
  const { t, i18n } = useTranslation();
  const [groups, setGroups] = useState<CustomerGroup[] | null>(null);
  useEffect(() => {
    let live = true;
    void customerGroupsData.list({}).then((r) => {
      if (live && r.ok) setGroups(r.value);
    });
    return () => {
      live = false;
    };
  }, []);
  // A group removed since keeps its tick until untouched: the promotion then simply matches no one in it.
  if (!groups || (groups.length === 0 && selected.length === 0)) return null;
  const label = (g: CustomerGroup) => (i18n.language === 'zh-CN' && g.nameZh ? g.nameZh : g.name);
  return (
    <fieldset className="promo-groups" data-testid="promo-groups">
      <legend>{t('promotions.form.groups')}</legend>
      {groups.map((g) => (
        <label key={g.id} className="check">
          <input
            type="checkbox"
            checked={selected.includes(g.id)}
            onChange={(e) => onChange(e.target.checked ? [...selected, g.id] : selected.filter((id) => id !== g.id))}
            data-testid={`promo-group-${g.id}`}
          />
          <span>{label(g)}</span>
        </label>
      ))}
    </fieldset>
  );
}
