import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CloudSessionInfo, LocalRejection, OfflineCardPolicy } from '../../../shared/api/sync';
import type { CloudRejection, EnrolmentCode, StockRow, StoreOverview, StoreWithDevices } from '../../../shared/sync/protocol';
import type { ApiError } from '../../../shared/errors';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { LocalName } from '../../components/LocalName';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { useSync } from '../../stores/sync';
import { roleRank } from '../../../shared/api/define';
import { TopBar } from '../../components/TopBar';
import { connectionState, syncProblemKey } from './problem';
import { syncData } from '../../data/sync';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';
import { useConfirm } from '../../components/Confirm';

function useRole() {
  const role = useApp((s) => s.session?.staff?.role ?? 'clerk');
  return { isManager: roleRank(role) >= roleRank('manager'), isAdmin: role === 'admin' };
}

function StatusCard() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const status = useSync((s) => s.status);
  const busy = useSync((s) => s.busy);
  const syncNow = useSync((s) => s.syncNow);
  const notify = useNotify((s) => s.message);
  const notifyError = useNotify((s) => s.error);
  if (!status) return <p className="muted">{t('common.loading')}</p>;
  const skewMin = Math.round(status.clockSkewMs / 60000);
  const connection = connectionState(status);
  return (
    <section className="card settings-card" data-testid="sync-status">
      <h2>{t('sync.status.title')}</h2>
      {!status.enrolled ? (
        <p className="muted">{t('sync.status.notConnected')}</p>
      ) : (
        <>
          <dl className="facts sync-facts">
            <div>
              <dt>{t('sync.status.state')}</dt>
              <dd data-testid="sync-state">
                <span
                  className={`sync-dot sync-dot-inline ${connection === 'online' ? 'sync-dot-online' : 'sync-dot-offline'}`}
                  aria-hidden="true"
                />
                {t(`sync.status.${connection}`)}
              </dd>
            </div>
            <div>
              <dt>{t('sync.status.pending')}</dt>
              <dd data-testid="sync-pending-count">{status.pending}</dd>
            </div>
            <div>
              <dt>{t('sync.status.lastSync')}</dt>
              <dd data-testid="sync-last">{status.lastSyncAt ? fmt.dateTime(status.lastSyncAt) : t('sync.status.never')}</dd>
            </div>
            <div>
              <dt>{t('sync.status.org')}</dt>
              <dd>{status.orgName}</dd>
            </div>
            <div>
              <dt>{t('sync.status.store')}</dt>
              <dd>{status.storeName}</dd>
            </div>
            <div>
              <dt>{t('sync.status.terminal')}</dt>
              <dd>{status.terminalCode}</dd>
            </div>
            <div>
              <dt>{t('sync.status.server')}</dt>
              <dd className="ellipsis">{status.serverUrl}</dd>
            </div>
            {status.offlineCards.count > 0 && (
              <div>
                <dt>{t('sync.status.offlineCards')}</dt>
                <dd data-testid="sync-offline-cards">
                  {status.offlineCards.count} · {fmt.money(status.offlineCards.total)}
                </dd>
              </div>
            )}
          </dl>
          {Math.abs(skewMin) >= 2 && <p className="inline-error">{t('sync.status.skew', { minutes: Math.abs(skewMin) })}</p>}
          {status.lastError && (
            <p className="muted" data-testid="sync-last-error" title={status.lastError.message}>
              {t('sync.status.lastError')}: {t(syncProblemKey(status.lastError))}
            </p>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              data-testid="sync-now"
              onClick={() =>
                void syncNow().then((err) => {
                  if (err) return notifyError(err);
                  // The cycle keeps its failure in the status (it never throws): only a clean one is "Synced".
                  const problem = useSync.getState().status?.lastError;
                  if (problem) notify('error', syncProblemKey(problem));
                  else notify('info', 'sync.status.synced');
                })
              }
            >
              {busy ? t('common.working') : t('sync.status.syncNow')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function ConnectCard() {
  const { t } = useTranslation();
  const setStatus = useSync((s) => s.set);
  const notify = useNotify((s) => s.message);
  const [server, setServer] = useState('');
  const [org, setOrg] = useState(() => useApp.getState().settings?.storeName ?? '');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^https?:\/\/\S+$/.test(server.trim())) return setError(t('sync.err.url'));
    if (!org.trim()) return setError(t('setup.err.required'));
    setBusy(true);
    setError(null);
    const r = await syncData.createOrg({
      serverUrl: server.trim(),
      orgName: org.trim(),
      ...(secret.trim() ? { signupSecret: secret.trim() } : {}),
    });
    setBusy(false);
    if (!r.ok) return setError(describeError(t, r.error));
    setStatus(r.value);
    notify('info', 'sync.connect.created');
  };
  return (
    <form className="card settings-card" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t('sync.connect.title')}</h2>
      <p className="muted">{t('sync.connect.hint')}</p>
      <div className="field-grid">
        <Field label={t('sync.connect.server')}>
          <input
            value={server}
            onChange={(e) => setServer(e.target.value)}
            placeholder="https://cloud.example.com"
            data-testid="sync-server"
          />
        </Field>
        <Field label={t('sync.connect.org')}>
          <input value={org} maxLength={120} onChange={(e) => setOrg(e.target.value)} data-testid="sync-org" />
        </Field>
        <Field label={t('sync.connect.secret')}>
          <input
            type="password"
            autoComplete="off"
            maxLength={200}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            title={t('sync.connect.secretHint')}
            data-testid="sync-signup-secret"
          />
        </Field>
      </div>
      <InlineError text={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="sync-create-org">
          {busy ? t('common.working') : t('sync.connect.create')}
        </button>
      </div>
    </form>
  );
}

function CloudSignIn({ onSignedIn }: { onSignedIn(s: CloudSessionInfo): void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{4,8}$/.test(pin)) return setError(t('setup.err.pin'));
    setBusy(true);
    const r = await syncData.cloudSignIn({ pin });
    setBusy(false);
    setPin('');
    if (!r.ok) return setError(describeError(t, r.error));
    setError(null);
    onSignedIn(r.value);
  };
  return (
    <form className="card settings-card" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t('sync.cloudSignIn.title')}</h2>
      <p className="muted">{t('sync.cloudSignIn.hint')}</p>
      <div className="sync-inline-form">
        <Field label={t('sync.cloudSignIn.pin')}>
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            data-testid="sync-cloud-pin"
          />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="sync-cloud-signin">
          {busy ? t('common.working') : t('sync.cloudSignIn.submit')}
        </button>
      </div>
      <InlineError text={error} />
    </form>
  );
}

function StockTable({ store }: { store: StoreOverview }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<StockRow[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(
    async (offset: number) => {
      const r = await syncData.stock({ storeId: store.id, q, offset, limit: 50 });
      if (!r.ok) return setError(r.error);
      setError(null);
      setTotal(r.value.total);
      setRows((prev) => (offset === 0 ? r.value.rows : [...prev, ...r.value.rows]));
    },
    [store.id, q],
  );
  useEffect(() => {
    const id = setTimeout(() => void load(0), 200);
    return () => clearTimeout(id);
  }, [load]);
  return (
    <div className="sync-stock" data-testid="sync-stock">
      <h3>{t('sync.overview.stockOf', { store: store.name })}</h3>
      <input
        className="sync-search"
        value={q}
        placeholder={t('sync.overview.search')}
        onChange={(e) => setQ(e.target.value)}
        data-testid="sync-stock-search"
      />
      <InlineError text={error ? describeError(t, error) : null} />
      <Table
        rows={rows}
        rowKey={(r) => r.productId}
        rowTestId="sync-stock-row"
        empty={t('sync.overview.none')}
        columns={[
          { key: 'sku', header: t('sync.overview.sku'), cell: (r) => r.sku ?? '—' },
          {
            key: 'product',
            header: t('sync.overview.product'),
            className: 'ellipsis',
            cell: (r) => (r.name ? <LocalName name={r.name} altName={r.altName} oneLine /> : r.productId),
          },
          {
            key: 'qty',
            header: t('sync.overview.qty'),
            num: true,
            cellClassName: (r) => (r.qty < 0 ? 'negative' : undefined),
            cell: (r) => fmt.qty(r.qty, r.qty % 1000 === 0 ? 'each' : 'kg'),
          },
        ]}
      />
      {rows.length < total && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void load(rows.length)}>
          {t('sync.overview.more')}
        </button>
      )}
    </div>
  );
}

function Overview() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [stores, setStores] = useState<StoreOverview[] | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void syncData.overview({}).then((r) => {
      if (!live) return;
      if (r.ok) {
        setStores(r.value);
        setPicked((p) => p ?? r.value[0]?.id ?? null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, []);
  const store = stores?.find((s) => s.id === picked) ?? null;
  return (
    <section className="card settings-card" data-testid="sync-overview">
      <h2>{t('sync.overview.title')}</h2>
      <InlineError text={error ? describeError(t, error) : null} />
      <Table
        className="table table-clickable"
        rows={stores}
        rowKey={(s) => s.id}
        loading={error ? undefined : t('common.loading')}
        rowTestId="sync-store-row"
        rowClassName={(s) => (s.id === picked ? 'row-selected' : '')}
        onRowClick={(s) => setPicked(s.id)}
        columns={[
          { key: 'store', header: t('sync.overview.store'), className: 'ellipsis', cell: (s) => s.name },
          { key: 'orders', header: t('sync.overview.orders'), num: true, cell: (s) => s.orders },
          { key: 'sales', header: t('sync.overview.sales'), num: true, cell: (s) => fmt.money(s.salesTotal, s.currency ?? undefined) },
          {
            key: 'lastDay',
            header: t('sync.overview.lastDay'),
            num: true,
            cell: (s) => fmt.money(s.salesLastDay, s.currency ?? undefined),
          },
          { key: 'stockLines', header: t('sync.overview.stockLines'), num: true, cell: (s) => s.stockLines },
          { key: 'terminals', header: t('sync.overview.terminals'), num: true, cell: (s) => s.terminals },
          { key: 'lastSeen', header: t('sync.overview.lastSeen'), cell: (s) => (s.lastSeenAt ? fmt.dateTime(s.lastSeenAt) : '—') },
        ]}
      />
      {store && <StockTable key={store.id} store={store} />}
    </section>
  );
}

function Rejections() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [cloud, setCloud] = useState<CloudRejection[] | null>(null);
  const [local, setLocal] = useState<LocalRejection[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void syncData.cloudRejections({}).then((r) => (r.ok ? setCloud(r.value) : setError(r.error)));
    void syncData.localRejections({}).then((r) => r.ok && setLocal(r.value));
  }, []);
  const resolveCloud = async (id: string) => {
    const r = await syncData.resolveCloudRejection({ id });
    if (r.ok) setCloud(r.value);
    else setError(r.error);
  };
  const resolveLocal = async (id: string) => {
    const r = await syncData.resolveLocalRejection({ id });
    if (r.ok) setLocal(r.value);
  };
  const list = (items: (CloudRejection | LocalRejection)[] | null, onResolve: (id: string) => void, testId: string) =>
    !items || items.length === 0 ? (
      <p className="muted">{t('sync.rejections.none')}</p>
    ) : (
      <Table<CloudRejection | LocalRejection>
        testId={testId}
        rows={items}
        rowKey={(r) => r.id}
        rowTestId="sync-rejection-row"
        rowClassName={(r) => (r.resolvedAt ? 'row-muted' : '')}
        columns={[
          { key: 'when', header: t('sync.rejections.when'), cell: (r) => fmt.dateTime('createdAt' in r ? r.createdAt : r.at) },
          { key: 'terminal', header: t('sync.rejections.terminal'), cell: (r) => ('terminalCode' in r ? (r.terminalCode ?? '—') : '—') },
          {
            key: 'what',
            header: t('sync.rejections.what'),
            cell: (r) => (
              <>
                {r.entity} <small className="muted">{r.entityId.slice(-8)}</small>
              </>
            ),
          },
          {
            key: 'why',
            header: t('sync.rejections.why'),
            cell: (r) => (
              <>
                <span className="badge badge-warn">{r.code}</span> {r.message}
              </>
            ),
          },
          {
            key: 'resolve',
            header: '',
            num: true,
            cell: (r) =>
              r.resolvedAt ? (
                <span className="muted">{t('sync.rejections.resolved')}</span>
              ) : (
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => onResolve(r.id)}>
                  {t('sync.rejections.resolve')}
                </button>
              ),
          },
        ]}
      />
    );
  return (
    <section className="card settings-card">
      <h2>{t('sync.rejections.title')}</h2>
      <InlineError text={error ? describeError(t, error) : null} />
      {list(cloud, (id) => void resolveCloud(id), 'sync-cloud-rejections')}
      <h3>{t('sync.rejections.local')}</h3>
      {list(local, (id) => void resolveLocal(id), 'sync-local-rejections')}
    </section>
  );
}

function StoresAdmin() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [stores, setStores] = useState<StoreWithDevices[] | null>(null);
  const [name, setName] = useState('');
  const [code, setCode] = useState<EnrolmentCode | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const me = useSync((s) => s.status?.deviceId);
  const ask = useConfirm();
  useEffect(() => {
    void syncData.stores({}).then((r) => (r.ok ? setStores(r.value) : setError(r.error)));
  }, []);
  const run = async <T,>(p: Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>, then: (v: T) => void) => {
    const r = await p;
    if (r.ok) {
      setError(null);
      then(r.value);
    } else setError(r.error);
  };
  return (
    <section className="card settings-card" data-testid="sync-stores">
      <h2>{t('sync.stores.title')}</h2>
      <InlineError text={error ? describeError(t, error) : null} />
      {code && (
        <div className="sync-code" data-testid="sync-code-box">
          <span className="field-label">{t('sync.stores.code')}</span>
          <strong className="sync-code-value" data-testid="sync-code">
            {code.code}
          </strong>
          <p className="muted">{t('sync.stores.codeFor', { time: fmt.dateTime(code.expiresAt) })}</p>
          {code.replaces && <p className="muted">{t('sync.stores.codeReplaces', { code: code.replaces })}</p>}
        </div>
      )}
      {(stores ?? []).map((s) => (
        <div key={s.id} className="sync-store">
          <div className="sync-store-head">
            <h3>{s.name}</h3>
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              data-testid="sync-add-terminal"
              onClick={() => void run(syncData.createCode({ storeId: s.id }), setCode)}
            >
              + {t('sync.stores.addTerminal')}
            </button>
          </div>
          <Table
            rows={s.devices}
            rowKey={(d) => d.id}
            rowClassName={(d) => (d.revoked ? 'row-muted' : '')}
            columns={[
              {
                key: 'terminal',
                cell: (d) => (
                  <>
                    <strong>{d.terminalCode}</strong> {d.name}
                  </>
                ),
              },
              { key: 'lastSeen', cell: (d) => (d.lastSeenAt ? fmt.dateTime(d.lastSeenAt) : '—') },
              {
                key: 'actions',
                num: true,
                className: 'actions-cell',
                cell: (d) =>
                  d.revoked ? (
                    <span className="muted">{t('sync.stores.revoked')}</span>
                  ) : (
                    d.id !== me && (
                      <>
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm"
                          onClick={() => void run(syncData.createCode({ storeId: s.id, replacesDeviceId: d.id }), setCode)}
                        >
                          {t('sync.stores.replace')}
                        </button>
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm"
                          onClick={() =>
                            void ask.confirm(t('sync.stores.confirmRevoke', { code: d.terminalCode })).then((yes) => {
                              if (yes) void run(syncData.revokeDevice({ deviceId: d.id }), setStores);
                            })
                          }
                        >
                          {t('sync.stores.revoke')}
                        </button>
                      </>
                    )
                  ),
              },
            ]}
          />
        </div>
      ))}
      <form
        className="sync-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          void run(syncData.createStore({ name: name.trim() }), (v) => {
            setStores(v);
            setName('');
          });
        }}
      >
        <Field label={t('sync.stores.newStore')}>
          <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="sync-new-store" />
        </Field>
        <button type="submit" className="btn btn-secondary" data-testid="sync-create-store">
          {t('sync.stores.create')}
        </button>
      </form>
      {ask.dialog}
    </section>
  );
}

function OfflinePolicy() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify((s) => s.message);
  const [policy, setPolicy] = useState<OfflineCardPolicy | null>(null);
  const [perSale, setPerSale] = useState('');
  const [total, setTotal] = useState('');
  const [hours, setHours] = useState('');
  const [error, setError] = useState<string | null>(null);
  const toText = useCallback(
    (minor: number) => (minor / 10 ** currencyDigits(fmt.currency)).toFixed(currencyDigits(fmt.currency)),
    [fmt.currency],
  );
  useEffect(() => {
    void syncData.offlinePolicy({}).then((r) => {
      if (!r.ok) return;
      setPolicy(r.value);
      setPerSale(toText(r.value.maxPerSale));
      setTotal(toText(r.value.maxTotal));
      setHours(String(r.value.windowHours));
    });
  }, [toText]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const a = parseMoney(perSale, fmt.currency);
    const b = parseMoney(total, fmt.currency);
    const h = Number(hours);
    if (a === null || b === null) return setError(t('sync.err.amount'));
    if (!Number.isInteger(h) || h < 1 || h > 168) return setError(t('sync.err.hours'));
    const r = await syncData.setOfflinePolicy({ maxPerSale: a, maxTotal: b, windowHours: h });
    if (!r.ok) return setError(describeError(t, r.error));
    setError(null);
    setPolicy(r.value);
    notify('info', 'sync.offlinePolicy.saved');
  };
  if (!policy) return null;
  return (
    <form className="card settings-card" onSubmit={(e) => void save(e)} noValidate data-testid="sync-offline-policy">
      <h2>{t('sync.offlinePolicy.title')}</h2>
      <p className="muted">{t('sync.offlinePolicy.hint')}</p>
      <div className="field-grid">
        <Field label={t('sync.offlinePolicy.maxPerSale')}>
          <input inputMode="decimal" value={perSale} onChange={(e) => setPerSale(e.target.value)} data-testid="sync-offline-per-sale" />
        </Field>
        <Field label={t('sync.offlinePolicy.maxTotal')}>
          <input inputMode="decimal" value={total} onChange={(e) => setTotal(e.target.value)} data-testid="sync-offline-total" />
        </Field>
        <Field label={t('sync.offlinePolicy.windowHours')}>
          <input
            inputMode="numeric"
            value={hours}
            onChange={(e) => setHours(e.target.value.replace(/\D/g, ''))}
            data-testid="sync-offline-hours"
          />
        </Field>
      </div>
      <InlineError text={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="sync-offline-save">
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** The link's token is not on this machine: an admin types a code that replaces this terminal. */
function RejoinCard({ terminal }: { terminal: string }) {
  const { t } = useTranslation();
  const setStatus = useSync((s) => s.set);
  const notify = useNotify((s) => s.message);
  const [code, setCode] = useState('');
  const [server, setServer] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (code.trim().length < 8) return setError(t('sync.err.code'));
    if (server.trim() && !/^https?:\/\/\S+$/.test(server.trim())) return setError(t('sync.err.url'));
    setBusy(true);
    setError(null);
    const r = await syncData.rejoin({ code: code.trim(), ...(server.trim() ? { serverUrl: server.trim() } : {}) });
    setBusy(false);
    if (!r.ok) return setError(describeError(t, r.error));
    setStatus(r.value);
    setCode('');
    notify('info', 'sync.rejoin.done');
  };
  return (
    <form className="card settings-card" onSubmit={(e) => void submit(e)} noValidate data-testid="sync-rejoin">
      <h2>{t('sync.rejoin.title')}</h2>
      <p className="muted">{t('sync.err.rejoin')}</p>
      <p className="muted">{t('sync.rejoin.hint', { terminal })}</p>
      <div className="field-grid">
        <Field label={t('sync.rejoin.code')}>
          <input
            value={code}
            maxLength={40}
            autoComplete="off"
            onChange={(e) => setCode(e.target.value)}
            placeholder="ABCD-EFGH-JKMN"
            data-testid="sync-rejoin-code"
          />
        </Field>
        <Field label={t('sync.rejoin.server')}>
          <input
            value={server}
            onChange={(e) => setServer(e.target.value)}
            placeholder="https://cloud.example.com"
            data-testid="sync-rejoin-server"
          />
        </Field>
      </div>
      <InlineError text={error} testId="sync-rejoin-error" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="sync-rejoin-submit">
          {busy ? t('common.working') : t('sync.rejoin.submit')}
        </button>
      </div>
    </form>
  );
}

function SignOutCard() {
  const { t } = useTranslation();
  const setStatus = useSync((s) => s.set);
  const notify = useNotify((s) => s.message);
  const [error, setError] = useState<string | null>(null);
  const ask = useConfirm();
  const signOut = async (discardPending: boolean, discardOfflineCards = false) => {
    const r = await syncData.signOut({ discardPending, ...(discardOfflineCards ? { discardOfflineCards } : {}) });
    if (r.ok) {
      setStatus(r.value);
      setError(null);
      notify('info', 'sync.signOut.done');
      return;
    }
    const d = r.error.details as { messageKey?: string; count?: number } | undefined;
    if (!discardPending && d?.messageKey === 'sync.err.pendingChanges') {
      if (await ask.confirm(t('sync.signOut.confirmPending', { count: d.count ?? 0 }))) void signOut(true, discardOfflineCards);
      return;
    }
    // Only a terminal that must join again asks this: its offline card payments cannot be sent as it is.
    if (!discardOfflineCards && d?.messageKey === 'sync.err.unsentOfflineCardsRejoin') {
      if (await ask.confirm(t('sync.signOut.confirmOfflineCards', { count: d.count ?? 0 }))) void signOut(discardPending, true);
      return;
    }
    setError(describeError(t, r.error));
  };
  return (
    <section className="card settings-card">
      <h2>{t('sync.signOut.title')}</h2>
      <p className="muted">{t('sync.signOut.hint')}</p>
      <InlineError text={error} testId="sync-signout-error" />
      <div className="form-actions">
        <button type="button" className="btn btn-danger" onClick={() => void signOut(false)} data-testid="sync-signout">
          {t('sync.signOut.button')}
        </button>
      </div>
      {ask.dialog}
    </section>
  );
}

/** Menu → Sync: this terminal's sync state; for managers the cloud's view of every store; for admins, stores, terminals and limits. */
export function SyncScreen() {
  const { t } = useTranslation();
  const status = useSync((s) => s.status);
  const refresh = useSync((s) => s.refresh);
  const { isManager, isAdmin } = useRole();
  const [cloud, setCloud] = useState<CloudSessionInfo | null>(null);
  useEffect(() => {
    void refresh();
    void syncData.cloudSession({}).then((r) => r.ok && setCloud(r.value));
  }, [refresh]);
  const enrolled = status?.enrolled ?? false;
  // Cloud sign-in cannot work without the token; joining again is what helps.
  const rejoin = enrolled && status?.lastError?.code === 'REJOIN';
  return (
    <div className="settings-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('sync.title')}</h1>
        <StatusCard />
        {!enrolled && isAdmin && status && <ConnectCard />}
        {rejoin && isAdmin && <RejoinCard terminal={status?.terminalCode ?? ''} />}
        {enrolled && !rejoin && isManager && cloud && !cloud.signedIn && <CloudSignIn onSignedIn={setCloud} />}
        {enrolled && cloud?.signedIn && (
          <p className="muted sync-cloud-who" data-testid="sync-cloud-who">
            {t('sync.cloudSignIn.signedIn', { name: cloud.staffName })}{' '}
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              onClick={() => void syncData.cloudSignOut({}).then((r) => r.ok && setCloud(r.value))}
            >
              {t('sync.cloudSignIn.signOut')}
            </button>
          </p>
        )}
        {enrolled && cloud?.signedIn && <Overview />}
        {enrolled && cloud?.signedIn && <Rejections />}
        {enrolled && cloud?.signedIn && isAdmin && <StoresAdmin />}
        {isAdmin && <OfflinePolicy />}
        {enrolled && isAdmin && <SignOutCard />}
      </main>
    </div>
  );
}
