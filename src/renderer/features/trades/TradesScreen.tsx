import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Trade, TradeProblem, TradeRefund } from '../../../shared/api/payments';
import type { ApiError } from '../../../shared/errors';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { isOpenTrade, providerName } from '../payment/trade-text';
import { cardBrandName } from '../../../shared/card-brands';
import { isLanguage } from '../../i18n';
import { paymentsData } from '../../data/payments';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

/**
 * Provider payments for a manager: find a trade by order or trade number, ask the provider now,
 * see its refunds, and the trades whose state at the provider and in our records disagree.
 */
export function TradesScreen() {
  const { t } = useTranslation();
  const [orderNumber, setOrderNumber] = useState('');
  const [tradeNo, setTradeNo] = useState('');
  const [openOnly, setOpenOnly] = useState(false);
  const [trades, setTrades] = useState<Trade[] | null>(null);
  const [selected, setSelected] = useState<Trade | null>(null);
  const [problems, setProblems] = useState<TradeProblem[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const find = useCallback(async (query: { orderNumber?: string; tradeNo?: string; open?: boolean }) => {
    setBusy(true);
    setError(null);
    const r = await paymentsData.findTrades({ ...query, limit: 100 });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setTrades(r.value);
    setSelected((cur) => (cur ? (r.value.find((x) => x.id === cur.id) ?? null) : r.value.length === 1 ? r.value[0]! : null));
  }, []);

  const loadProblems = useCallback(async () => {
    const r = await paymentsData.reconciliation({});
    if (r.ok) setProblems(r.value);
    else setError(r.error);
  }, []);

  useEffect(() => {
    let live = true;
    void Promise.all([paymentsData.findTrades({ limit: 100 }), paymentsData.reconciliation({})]).then(([list, recon]) => {
      if (!live) return;
      if (list.ok) setTrades(list.value);
      else setError(list.error);
      if (recon.ok) setProblems(recon.value);
      else setError(recon.error);
    });
    return () => {
      live = false;
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q: { orderNumber?: string; tradeNo?: string; open?: boolean } = {};
    if (orderNumber.trim()) q.orderNumber = orderNumber.trim();
    if (tradeNo.trim()) q.tradeNo = tradeNo.trim();
    if (openOnly) q.open = true;
    void find(q);
  };

  const updated = (trade: Trade) => {
    setSelected(trade);
    setTrades((list) => list?.map((x) => (x.id === trade.id ? trade : x)) ?? null);
    void loadProblems();
  };

  return (
    <div className="settings-screen trades-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('pay.trades.title')}</h1>
        <section className="card settings-card">
          <h2>{t('pay.trades.lookup')}</h2>
          <form className="trade-search" onSubmit={submit} data-testid="trade-search">
            <Field label={t('pay.trades.orderNumber')}>
              <input value={orderNumber} maxLength={40} onChange={(e) => setOrderNumber(e.target.value)} data-testid="trade-search-order" />
            </Field>
            <Field label={t('pay.trades.tradeNo')}>
              <input
                value={tradeNo}
                maxLength={64}
                placeholder={t('pay.trades.tradeNoHint')}
                onChange={(e) => setTradeNo(e.target.value)}
                data-testid="trade-search-no"
              />
            </Field>
            <label className="check">
              <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} />
              <span>{t('pay.trades.openOnly')}</span>
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="trade-search-submit">
              {t('pay.trades.find')}
            </button>
          </form>
          <InlineError text={error ? describeError(t, error) : null} testId="trades-error" />
          {trades && <TradeTable trades={trades} selected={selected} onSelect={setSelected} />}
        </section>
        {selected && <TradeDetail key={selected.id} trade={selected} onUpdated={updated} />}
        <section className="card settings-card" data-testid="reconciliation">
          <h2>{t('pay.trades.reconciliation')}</h2>
          <p className="muted">{t('pay.trades.reconciliationHint')}</p>
          {problems === null ? (
            <p className="muted">{t('common.loading')}</p>
          ) : problems.length === 0 ? (
            <p className="notice notice-ok" data-testid="reconciliation-none">
              {t('pay.trades.reconciliationNone')}
            </p>
          ) : (
            <ul className="problem-list">
              {problems.map((pr) => (
                <ProblemItem key={`${pr.trade.id}-${pr.kind}`} problem={pr} onOpen={() => setSelected(pr.trade)} />
              ))}
            </ul>
          )}
        </section>
      </main>
    </div>
  );
}

function TradeTable({ trades, selected, onSelect }: { trades: Trade[]; selected: Trade | null; onSelect(t: Trade): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Table
      testId="trades-table"
      rows={trades}
      rowKey={(tr) => tr.id}
      rowTestId="trade-row"
      rowClassName={(tr) => (selected?.id === tr.id ? 'row-selected' : undefined)}
      onRowClick={onSelect}
      empty={t('pay.trades.none')}
      emptyTestId="trades-none"
      columns={[
        { key: 'when', header: t('pay.trades.when'), cell: (tr) => fmt.dateTime(tr.createdAt) },
        {
          key: 'provider',
          header: t('pay.trades.provider'),
          cell: (tr) => (
            <>
              {providerName(t, tr.provider)}
              {tr.mode !== 'production' && <small className="muted"> ({t(`pay.trades.modes.${tr.mode}`)})</small>}
            </>
          ),
        },
        { key: 'order', header: t('pay.trades.order'), cell: (tr) => tr.orderNumber ?? '—' },
        { key: 'tradeNo', header: t('pay.trades.tradeNo'), className: 'mono', cell: (tr) => tr.tradeNo },
        { key: 'amount', header: t('pay.trades.amount'), num: true, cell: (tr) => fmt.money(tr.amount, tr.currency) },
        { key: 'state', header: t('pay.trades.state'), cell: (tr) => <StateBadge trade={tr} /> },
      ]}
    />
  );
}

function StateBadge({ trade }: { trade: Trade }) {
  const { t } = useTranslation();
  const tone = trade.state === 'paid' ? 'badge-ok' : isOpenTrade(trade) || trade.state === 'refunded' ? 'badge-warn' : '';
  return (
    <span className={`badge ${tone}`} data-state={trade.state}>
      {t(`pay.trades.states.${trade.state}`)}
    </span>
  );
}

function TradeDetail({ trade, onUpdated }: { trade: Trade; onUpdated(t: Trade): void }) {
  const { t, i18n } = useTranslation();
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const fmt = useFormat();
  const notify = useNotify();
  const [refunds, setRefunds] = useState<TradeRefund[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    void paymentsData.refunds({ tradeId: trade.id }).then((r) => {
      if (!live) return;
      if (r.ok) setRefunds(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [trade.id, trade.refunded]);

  const query = async () => {
    setBusy(true);
    setError(null);
    const r = await paymentsData.queryTrade({ id: trade.id });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    notify.message('info', 'pay.trades.queried');
    onUpdated(r.value);
  };

  const rows: [string, string | null][] = [
    [t('pay.trades.provider'), `${providerName(t, trade.provider)} · ${t(`pay.trades.methods.${trade.method}`)}`],
    [t('pay.trades.amount'), fmt.money(trade.amount, trade.currency)],
    [t('pay.trades.order'), trade.orderNumber],
    [t('pay.trades.ourNo'), trade.tradeNo],
    [t('pay.trades.providerNo'), trade.providerRef],
    [t('pay.trades.buyer'), [trade.brand ? cardBrandName(trade.brand, language) : null, trade.buyer].filter(Boolean).join(' ') || null],
    [t('pay.trades.refundedAmount'), trade.refunded ? fmt.money(trade.refunded, trade.currency) : null],
    [t('pay.trades.message'), [trade.errorCode, trade.message].filter(Boolean).join(': ') || null],
    [t('pay.trades.when'), fmt.dateTime(trade.createdAt)],
  ];

  return (
    <section className="card settings-card trade-detail" data-testid="trade-detail">
      <h2>
        {t('pay.trades.details')} <StateBadge trade={trade} />
      </h2>
      <dl>
        {rows
          .filter((r): r is [string, string] => r[1] !== null)
          .map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void query()} data-testid="trade-query">
        {busy ? t('common.working') : t('pay.trades.query')}
      </button>
      <InlineError text={error ? describeError(t, error) : null} testId="trade-detail-error" />
      <h3>{t('pay.trades.refunds')}</h3>
      <Table
        testId="trade-refunds"
        rows={refunds}
        rowKey={(r) => r.id}
        empty={t('pay.trades.noRefunds')}
        columns={[
          { key: 'when', header: t('pay.trades.when'), cell: (r) => fmt.dateTime(r.createdAt) },
          { key: 'refundNo', header: t('pay.trades.refundNo'), className: 'mono', cell: (r) => r.refundNo },
          { key: 'amount', header: t('pay.trades.amount'), num: true, cell: (r) => fmt.money(r.amount, trade.currency) },
          {
            key: 'state',
            header: t('pay.trades.state'),
            cell: (r) => (
              <>
                {t(`pay.trades.refundStates.${r.state}`)}
                {r.message && <small className="muted"> · {r.message}</small>}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

function ProblemItem({ problem, onOpen }: { problem: TradeProblem; onOpen(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const tr = problem.trade;
  return (
    <li data-testid="reconciliation-item" data-kind={problem.kind}>
      <div>
        <strong>
          {providerName(t, tr.provider)} · {fmt.money(tr.amount, tr.currency)}
        </strong>{' '}
        <span className="muted mono">{tr.tradeNo}</span>
        {tr.orderNumber && (
          <span className="muted">
            {' '}
            · {t('pay.trades.order')} {tr.orderNumber}
          </span>
        )}{' '}
        <StateBadge trade={tr} />
      </div>
      <p>{t(`pay.trades.problem.${problem.kind}`)}</p>
      {problem.detail && <p className="muted">{problem.detail}</p>}
      <button type="button" className="btn btn-ghost btn-sm" onClick={onOpen} data-testid="reconciliation-open">
        {t('pay.trades.details')}
      </button>
    </li>
  );
}
