import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, CouponCampaignRecord, CouponCodePage, CouponConflict, CouponPolicy, CouponUse, InputOf } from '../../../shared/api';
import type { ApiError } from '../../../shared/errors';
import { parseMoney } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { saveBase64, saveText } from '../../lib/save-file';
import { bpToPercentText, useFormat, type Formatters } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { Table } from '../../components/Table';
import { couponsData } from '../../data/coupons';
import { catalogData } from '../../data/catalog';
import { Field } from '../../components/Field';

type Draft = InputOf<'coupons.create'>['campaign'];
const PAGE = 50;

function rewardText(c: CouponCampaignRecord, fmt: Formatters, t: (k: string, o?: Record<string, unknown>) => string): string {
  const off = c.reward.off.kind === 'percent' ? `${bpToPercentText(c.reward.off.bp)}%` : fmt.money(c.reward.off.minor);
  const scope = c.reward.scope;
  const parts = [
    t(`coupons.reward.${c.reward.off.kind}`, { value: off }),
    scope.kind === 'all'
      ? t('coupons.reward.all')
      : scope.kind === 'products'
        ? t('coupons.reward.products', { count: scope.productIds.length })
        : t('coupons.reward.categories', { count: scope.categoryIds.length }),
  ];
  const k = c.conditions;
  if (k.minSpend) parts.push(t('coupons.reward.minSpend', { amount: fmt.money(k.minSpend) }));
  if (k.startDate || k.endDate) parts.push(t('coupons.reward.dates', { from: k.startDate ?? '…', to: k.endDate ?? '…' }));
  if (k.usesPerCustomer) parts.push(t('coupons.reward.perCustomer', { count: k.usesPerCustomer }));
  return parts.join(' · ');
}

/** Coupons for managers: campaigns (create, pause), a campaign's codes (status, CSV, printable sheet), conflicts, the offline cap. */
export function CouponsScreen() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<'campaigns' | 'conflicts'>('campaigns');
  const [campaigns, setCampaigns] = useState<CouponCampaignRecord[] | null>(null);
  const [open, setOpen] = useState<CouponCampaignRecord | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const r = await couponsData.campaigns({});
    if (r.ok) setCampaigns(r.value);
    else setError(r.error);
  }, []);
  useEffect(() => {
    let live = true;
    void couponsData.campaigns({}).then((r) => {
      if (!live) return;
      if (r.ok) setCampaigns(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className="settings-screen coupons-screen" data-testid="coupons-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('coupons.title')}</h1>
        <div className="toolbar" role="tablist">
          {(['campaigns', 'conflicts'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={`btn ${tab === k ? 'btn-primary' : 'btn-ghost'}`}
              onClick={() => setTab(k)}
              data-testid={`coupons-tab-${k}`}
            >
              {t(`coupons.tabs.${k}`)}
            </button>
          ))}
        </div>
        <InlineError text={error ? describeError(t, error) : null} testId="coupons-error" />
        {tab === 'conflicts' ? (
          <Conflicts />
        ) : open ? (
          <Codes campaign={open} onBack={() => setOpen(null)} />
        ) : (
          <>
            <CampaignList campaigns={campaigns} onOpen={setOpen} onChanged={load} />
            <NewCampaign onCreated={load} />
            <Policy />
          </>
        )}
      </main>
    </div>
  );
}

function CampaignList({
  campaigns,
  onOpen,
  onChanged,
}: {
  campaigns: CouponCampaignRecord[] | null;
  onOpen(c: CouponCampaignRecord): void;
  onChanged(): Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const toggle = async (c: CouponCampaignRecord) => {
    const r = await couponsData.setActive({ id: c.id, active: !c.active });
    if (!r.ok) notify.error(r.error);
    await onChanged();
  };
  return (
    <section className="card settings-card">
      <h2>{t('coupons.tabs.campaigns')}</h2>
      <Table
        rows={campaigns}
        rowKey={(c) => c.id}
        loading={t('common.loading')}
        empty={t('coupons.list.empty')}
        emptyTestId="coupons-none"
        testId="coupons-campaigns"
        rowTestId="coupon-campaign"
        columns={[
          { key: 'name', header: t('coupons.list.name'), cell: (c) => (i18n.language === 'zh-CN' && c.nameZh ? c.nameZh : c.name) },
          { key: 'reward', header: t('coupons.list.reward'), cell: (c) => rewardText(c, fmt, t) },
          {
            key: 'codes',
            header: t('coupons.list.codes'),
            testId: 'coupon-campaign-codes',
            cell: (c) =>
              c.sharedCode ? t('coupons.list.shared', { code: c.sharedCode }) : t('coupons.list.batch', { count: c.codeCount }),
          },
          { key: 'used', header: t('coupons.list.used'), num: true, cell: (c) => (c.maxUses ? `${c.used} / ${c.maxUses}` : c.used) },
          {
            key: 'status',
            header: t('coupons.list.status'),
            cell: (c) => (c.active ? t('coupons.list.active') : t('coupons.list.paused')),
          },
          {
            key: 'actions',
            header: '',
            cell: (c) => (
              <>
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => onOpen(c)} data-testid="coupon-campaign-open">
                  {t('coupons.list.open')}
                </button>
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => void toggle(c)}>
                  {c.active ? t('coupons.list.pause') : t('coupons.list.resume')}
                </button>
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

function NewCampaign({ onCreated }: { onCreated(): Promise<void> }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const [name, setName] = useState('');
  const [nameZh, setNameZh] = useState('');
  const [kind, setKind] = useState<'percent' | 'amount'>('percent');
  const [value, setValue] = useState('');
  const [scope, setScope] = useState<'all' | 'products' | 'categories'>('all');
  const [skus, setSkus] = useState('');
  const [categoryIds, setCategoryIds] = useState<string[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [minSpend, setMinSpend] = useState('');
  const [startDate, setStartDate] = useState('');
  const [endDate, setEndDate] = useState('');
  const [perCustomer, setPerCustomer] = useState('');
  const [mode, setMode] = useState<'shared' | 'batch'>('batch');
  const [count, setCount] = useState('100');
  const [maxUses, setMaxUses] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void catalogData.categories({}).then((r) => r.ok && setCategories(r.value));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const off =
      kind === 'percent'
        ? { kind: 'percent' as const, bp: Math.round(Number(value) * 100) }
        : { kind: 'amount' as const, minor: parseMoney(value, fmt.currency) ?? -1 };
    let rewardScope: Draft['reward']['scope'] = { kind: 'all' };
    if (scope === 'categories') rewardScope = { kind: 'categories', categoryIds };
    if (scope === 'products') {
      const productIds: string[] = [];
      for (const sku of skus.split(/[,\s]+/).filter(Boolean)) {
        const r = await catalogData.search({ q: sku, limit: 20 });
        const hit = r.ok ? r.value.find((p) => p.sku.toLowerCase() === sku.toLowerCase()) : undefined;
        if (!hit) {
          setError(t('coupons.form.unknownSku', { sku }));
          return;
        }
        productIds.push(hit.id);
      }
      rewardScope = { kind: 'products', productIds };
    }
    const conditions: Draft['conditions'] = {};
    if (minSpend.trim()) conditions.minSpend = parseMoney(minSpend, fmt.currency) ?? -1;
    if (startDate) conditions.startDate = startDate;
    if (endDate) conditions.endDate = endDate;
    if (perCustomer.trim()) conditions.usesPerCustomer = Number(perCustomer);
    const campaign: Draft = {
      name: name.trim(),
      ...(nameZh.trim() ? { nameZh: nameZh.trim() } : {}),
      reward: { off, scope: rewardScope },
      conditions,
      codes: mode === 'batch' ? { mode, count: Number(count) } : maxUses.trim() ? { mode, maxUses: Number(maxUses) } : { mode },
    };
    setBusy(true);
    const r = await couponsData.create({ campaign });
    setBusy(false);
    if (!r.ok) {
      setError(describeError(t, r.error));
      return;
    }
    notify.message('info', 'coupons.form.created');
    setName('');
    setNameZh('');
    setValue('');
    await onCreated();
  };

  return (
    <section className="card settings-card">
      <h2>{t('coupons.form.new')}</h2>
      <form className="settings-form" onSubmit={(e) => void submit(e)} data-testid="coupon-form">
        <Field label={t('coupons.form.name')}>
          <input value={name} maxLength={120} required onChange={(e) => setName(e.target.value)} data-testid="coupon-form-name" />
        </Field>
        <Field label={t('coupons.form.nameZh')}>
          <input value={nameZh} maxLength={120} onChange={(e) => setNameZh(e.target.value)} data-testid="coupon-form-name-zh" />
        </Field>
        <Field label={t('coupons.form.kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'percent' | 'amount')} data-testid="coupon-form-kind">
            <option value="percent">{t('coupons.form.percent')}</option>
            <option value="amount">{t('coupons.form.amount')}</option>
          </select>
        </Field>
        <Field label={t('coupons.form.value')}>
          <input
            value={value}
            inputMode="decimal"
            required
            placeholder={kind === 'percent' ? t('coupons.form.percentHint') : t('coupons.form.amountHint')}
            onChange={(e) => setValue(e.target.value)}
            data-testid="coupon-form-value"
          />
        </Field>
        <Field label={t('coupons.form.scope')}>
          <select value={scope} onChange={(e) => setScope(e.target.value as typeof scope)} data-testid="coupon-form-scope">
            <option value="all">{t('coupons.form.scopeAll')}</option>
            <option value="products">{t('coupons.form.scopeProducts')}</option>
            <option value="categories">{t('coupons.form.scopeCategories')}</option>
          </select>
        </Field>
        {scope === 'products' && (
          <Field label={t('coupons.form.skus')}>
            <input value={skus} maxLength={2000} onChange={(e) => setSkus(e.target.value)} data-testid="coupon-form-skus" />
          </Field>
        )}
        {scope === 'categories' && (
          <Field label={t('coupons.form.scopeCategories')}>
            <select
              multiple
              value={categoryIds}
              onChange={(e) => setCategoryIds([...e.target.selectedOptions].map((o) => o.value))}
              data-testid="coupon-form-categories"
            >
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('coupons.form.minSpend')}>
          <input value={minSpend} inputMode="decimal" onChange={(e) => setMinSpend(e.target.value)} data-testid="coupon-form-min" />
        </Field>
        <Field label={t('coupons.form.startDate')}>
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </Field>
        <Field label={t('coupons.form.endDate')}>
          <input type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
        </Field>
        <Field label={t('coupons.form.perCustomer')}>
          <input value={perCustomer} inputMode="numeric" onChange={(e) => setPerCustomer(e.target.value)} />
        </Field>
        <fieldset className="field">
          <legend className="field-label">{t('coupons.form.codes')}</legend>
          <label className="check">
            <input type="radio" checked={mode === 'batch'} onChange={() => setMode('batch')} data-testid="coupon-form-batch" />
            <span>{t('coupons.form.batch')}</span>
          </label>
          <label className="check">
            <input type="radio" checked={mode === 'shared'} onChange={() => setMode('shared')} data-testid="coupon-form-shared" />
            <span>{t('coupons.form.shared')}</span>
          </label>
        </fieldset>
        {mode === 'batch' ? (
          <Field label={t('coupons.form.count')}>
            <input value={count} inputMode="numeric" onChange={(e) => setCount(e.target.value)} data-testid="coupon-form-count" />
          </Field>
        ) : (
          <Field label={t('coupons.form.maxUses')}>
            <input value={maxUses} inputMode="numeric" onChange={(e) => setMaxUses(e.target.value)} />
          </Field>
        )}
        <InlineError text={error} testId="coupon-form-error" />
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="coupon-form-submit">
          {t('coupons.form.create')}
        </button>
      </form>
    </section>
  );
}

function Codes({ campaign, onBack }: { campaign: CouponCampaignRecord; onBack(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const [status, setStatus] = useState<'all' | 'unused' | 'used'>('all');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<CouponCodePage | null>(null);

  useEffect(() => {
    let live = true;
    void couponsData.codes({ campaignId: campaign.id, status, offset, limit: PAGE }).then((r) => {
      if (!live) return;
      if (r.ok) setPage(r.value);
      else notify.error(r.error);
    });
    return () => {
      live = false;
    };
  }, [campaign.id, status, offset, notify]);

  const csv = async () => {
    const r = await couponsData.csv({ campaignId: campaign.id });
    if (r.ok) saveText(r.value.fileName, r.value.csv);
    else notify.error(r.error);
  };
  const pdf = async () => {
    const r = await couponsData.pdf({ campaignId: campaign.id, status: 'unused', limit: 2000 });
    if (r.ok) saveBase64(r.value.fileName, r.value.base64, 'application/pdf');
    else notify.error(r.error);
  };

  return (
    <section className="card settings-card" data-testid="coupon-codes">
      <div className="toolbar">
        <button type="button" className="btn btn-ghost btn-sm" onClick={onBack} data-testid="coupon-codes-back">
          ← {t('coupons.codes.back')}
        </button>
        <h2>{t('coupons.codes.title', { name: i18n.language === 'zh-CN' && campaign.nameZh ? campaign.nameZh : campaign.name })}</h2>
        <Field label={t('coupons.codes.filter')}>
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as typeof status);
              setOffset(0);
            }}
            data-testid="coupon-codes-filter"
          >
            <option value="all">{t('coupons.codes.all')}</option>
            <option value="unused">{t('coupons.codes.unused')}</option>
            <option value="used">{t('coupons.codes.used')}</option>
          </select>
        </Field>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void csv()} data-testid="coupon-codes-csv">
          {t('coupons.codes.csv')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void pdf()} data-testid="coupon-codes-pdf">
          {t('coupons.codes.pdf')}
        </button>
      </div>
      {page && <p className="muted">{t('coupons.codes.total', { count: page.total })}</p>}
      <Table
        rows={page?.rows ?? []}
        rowKey={(r) => r.code}
        rowTestId="coupon-code-row"
        rowAttributes={(r) => ({ 'data-status': r.status })}
        columns={[
          { key: 'seq', header: '#', num: true, cell: (r) => r.seq },
          { key: 'code', header: t('coupons.codes.code'), cell: (r) => <code data-testid="coupon-code-text">{r.code}</code> },
          {
            key: 'status',
            header: t('coupons.codes.status'),
            cell: (r) => (r.status === 'used' ? t('coupons.codes.used') : t('coupons.codes.unused')),
          },
          { key: 'order', header: t('coupons.codes.order'), cell: (r) => r.orderNumber ?? r.orderId?.slice(-8) ?? '' },
          { key: 'terminal', header: t('coupons.codes.terminal'), cell: (r) => r.terminalCode ?? '' },
          { key: 'at', header: t('coupons.codes.at'), cell: (r) => (r.usedAt ? fmt.dateTime(r.usedAt) : '') },
        ]}
      />
      <div className="toolbar">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE))}
        >
          {t('coupons.codes.prev')}
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={!page || offset + PAGE >= page.total}
          onClick={() => setOffset(offset + PAGE)}
        >
          {t('coupons.codes.next')}
        </button>
      </div>
    </section>
  );
}

function UseText({ use }: { use: CouponUse }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <span>
      {t('coupons.conflicts.use', {
        order: use.orderNumber ?? use.orderId.slice(-8),
        till: use.terminalCode,
        staff: use.staffName ?? '—',
        at: fmt.dateTime(use.at),
      })}
      {use.offline && <small className="muted"> {t('coupons.conflicts.offline')}</small>}
    </span>
  );
}

function Conflicts() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [list, setList] = useState<CouponConflict[] | null>(null);
  const notify = useNotify();
  useEffect(() => {
    void couponsData.conflicts({}).then((r) => (r.ok ? setList(r.value) : notify.error(r.error)));
  }, [notify]);
  return (
    <section className="card settings-card" data-testid="coupon-conflicts">
      <h2>{t('coupons.tabs.conflicts')}</h2>
      <p className="muted">{t('coupons.conflicts.hint')}</p>
      <Table
        rows={list}
        rowKey={(c) => c.extra.redemptionId}
        loading={t('common.loading')}
        empty={t('coupons.conflicts.empty')}
        emptyClassName="notice notice-ok"
        emptyTestId="coupon-conflicts-none"
        rowTestId="coupon-conflict"
        columns={[
          { key: 'code', header: t('coupons.conflicts.code'), cell: (c) => <code>{c.code}</code> },
          { key: 'campaign', header: t('coupons.conflicts.campaign'), cell: (c) => c.campaignName },
          { key: 'kept', header: t('coupons.conflicts.kept'), cell: (c) => <UseText use={c.kept} /> },
          { key: 'extra', header: t('coupons.conflicts.extra'), cell: (c) => <UseText use={c.extra} /> },
          { key: 'amount', header: t('coupons.conflicts.amount'), num: true, cell: (c) => fmt.money(c.amount) },
        ]}
      />
    </section>
  );
}

function Policy() {
  const { t } = useTranslation();
  const notify = useNotify();
  const [policy, setPolicy] = useState<CouponPolicy | null>(null);
  const [cap, setCap] = useState('');
  useEffect(() => {
    void couponsData.policy({}).then((r) => {
      if (r.ok) {
        setPolicy(r.value);
        setCap(String(r.value.offlineCap));
      }
    });
  }, []);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await couponsData.setPolicy({ offlineCap: Number(cap) });
    if (r.ok) {
      setPolicy(r.value);
      notify.message('info', 'coupons.policy.saved');
    } else notify.error(r.error);
  };
  if (!policy) return null;
  return (
    <section className="card settings-card" data-testid="coupon-policy">
      <h2>{t('coupons.policy.title')}</h2>
      <form className="settings-form" onSubmit={(e) => void save(e)}>
        <Field label={t('coupons.policy.cap')}>
          <input value={cap} inputMode="numeric" onChange={(e) => setCap(e.target.value)} data-testid="coupon-policy-cap" />
        </Field>
        <button type="submit" className="btn btn-primary">
          {t('coupons.policy.save')}
        </button>
      </form>
      {policy.offlineHeld > 0 && <p className="muted">{t('coupons.policy.held', { count: policy.offlineHeld })}</p>}
    </section>
  );
}
