import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardView, LiabilityReport, StoredValueSettingsView } from '../../../shared/api/stored-value';
import type { ApiError } from '../../../shared/errors';
import { roleRank } from '../../../shared/api/define';
import { currencyDigits, parseMoney } from '../../../shared/money';
import { bonusFor } from '../../../shared/stored-value/rules';
import { uuidv7 } from '../../../shared/ids';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { minorToInput, useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';
import { TopBar } from '../../components/TopBar';
import { cardsData } from '../../data/cards';
import { Table } from '../../components/Table';
import { Field } from '../../components/Field';

/**
 * Gift and stored-value cards: a clerk looks a card up, sells one and tops one up; a manager also
 * moves value between cards, replaces a lost card, sets the rules and sees what is owed on cards.
 */
export function CardsScreen() {
  const { t } = useTranslation();
  const manager = useApp((s) => roleRank(s.session?.staff?.role ?? 'public') >= roleRank('manager'));
  const currency = useApp((s) => s.settings?.currency ?? s.status?.currency ?? 'USD');
  const [card, setCard] = useState<CardView | null>(null);
  const [settings, setSettings] = useState<StoredValueSettingsView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    void cardsData.settings({}).then((r) => (r.ok ? setSettings(r.value) : setError(r.error)));
  }, []);

  const done = (text: string | null, next?: CardView) => {
    setError(null);
    setChanges((n) => n + 1);
    setNotice(text);
    if (next) setCard(next);
  };

  return (
    <div className="settings-screen cards-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('cards.title')}</h1>
        {notice && (
          <p className="notice notice-info" role="status" data-testid="cards-notice">
            {notice}
          </p>
        )}
        <InlineError text={error ? describeError(t, error) : null} testId="cards-error" />
        <div className="cards-grid">
          <div className="cards-column">
            <Lookup onCard={(c) => done(null, c)} onError={setError} />
            {card && <CardPanel card={card} currency={currency} settings={settings} manager={manager} onDone={done} onError={setError} />}
          </div>
          <div className="cards-column">
            <IssueForm currency={currency} onDone={done} onError={setError} />
            {manager && <Liability key={changes} currency={currency} onDone={done} onError={setError} />}
            {manager && settings && (
              <RulesForm
                settings={settings}
                currency={currency}
                onSaved={(s) => (setSettings(s), done(t('cards.settings.saved')))}
                onError={setError}
              />
            )}
          </div>
        </div>
      </main>
    </div>
  );
}

type Done = (text: string | null, card?: CardView) => void;
type OnError = (e: ApiError) => void;

function useMoney(currency: string) {
  const digits = currencyDigits(currency);
  return { parse: (s: string) => (s.trim() === '' ? null : parseMoney(s, currency)), input: (m: number) => minorToInput(m, digits) };
}

function Lookup({ onCard, onError }: { onCard(c: CardView): void; onError: OnError }) {
  const { t } = useTranslation();
  const [number, setNumber] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await cardsData.lookup({ number: number.trim() });
    if (r.ok) onCard(r.value);
    else onError(r.error);
  };
  return (
    <form className="card settings-card" onSubmit={(e) => void submit(e)}>
      <h2>{t('cards.lookup')}</h2>
      <Field label={t('cards.number')}>
        <input
          value={number}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t('cards.numberPlaceholder')}
          onChange={(e) => setNumber(e.target.value)}
          data-testid="card-number"
          autoFocus
        />
      </Field>
      <button type="submit" className="btn btn-primary" disabled={number.trim() === ''} data-testid="card-lookup">
        {t('cards.lookup')}
      </button>
    </form>
  );
}

function CardPanel({
  card,
  currency,
  settings,
  manager,
  onDone,
  onError,
}: {
  card: CardView;
  currency: string;
  settings: StoredValueSettingsView | null;
  manager: boolean;
  onDone: Done;
  onError: OnError;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const m = useMoney(currency);
  const [amount, setAmount] = useState('');
  const [paidByCard, setPaidByCard] = useState(false);
  const [to, setTo] = useState('');
  const [moveAmount, setMoveAmount] = useState('');
  const parsed = m.parse(amount);
  const bonus = parsed && settings ? bonusFor(parsed, settings.bonusRules) : 0;

  const topUp = async () => {
    if (!parsed) return;
    const r = await cardsData.topUp({
      opId: uuidv7(),
      number: card.number,
      amount: parsed,
      payment: paidByCard ? { cash: 0, card: parsed } : { cash: parsed, card: 0 },
    });
    if (!r.ok) return onError(r.error);
    setAmount('');
    onDone(t('cards.topUp.done', { amount: fmt.money(r.value.balance, currency) }), r.value);
  };
  const transfer = async () => {
    const value = m.parse(moveAmount);
    const r = await cardsData.transfer({ opId: uuidv7(), from: card.number, to: to.trim(), ...(value ? { amount: value } : {}) });
    if (!r.ok) return onError(r.error);
    onDone(null, r.value.from);
  };
  const setBlocked = async (blocked: boolean) => {
    const r = await cardsData.setBlocked({ number: card.number, blocked });
    if (!r.ok) return onError(r.error);
    onDone(null, r.value);
  };
  const reissue = async () => {
    const r = await cardsData.reissue({ opId: uuidv7(), number: card.number });
    if (!r.ok) return onError(r.error);
    onDone(t('cards.reissue.done', { number: r.value.to.number }), r.value.to);
  };

  return (
    <section className="card settings-card" data-testid="card-panel">
      <h2>
        {t(`cards.kind.${card.kind}`)} · <span className="mono">{card.number}</span>
      </h2>
      <p className="card-balance">
        {t('cards.balance')}: <strong data-testid="card-balance">{fmt.money(card.balance, currency)}</strong>
      </p>
      <p className="muted">
        {t(`cards.status.${card.status}`)} ·{' '}
        {card.registered ? t('cards.registered', { name: card.holderName ?? '', mobile: card.holderMobile ?? '' }) : t('cards.anonymous')} ·{' '}
        {card.expired
          ? t('cards.expired')
          : card.expiresAt === null
            ? t('cards.never')
            : t('cards.expires', { date: fmt.dateTime(card.expiresAt) })}
      </p>
      {card.status === 'active' && (
        <div className="card-actions">
          <Field label={t('cards.topUp.amount')}>
            <div className="input-suffix">
              <input value={amount} inputMode="decimal" onChange={(e) => setAmount(e.target.value)} data-testid="topup-amount" />
              <span>{currency}</span>
            </div>
            {bonus > 0 && <small data-testid="topup-bonus">{t('cards.topUp.bonusPreview', { amount: fmt.money(bonus, currency) })}</small>}
          </Field>
          <label className="check">
            <input type="checkbox" checked={paidByCard} onChange={(e) => setPaidByCard(e.target.checked)} /> {t('cards.issue.paidCard')}
          </label>
          <button type="button" className="btn btn-primary" disabled={!parsed} onClick={() => void topUp()} data-testid="topup-submit">
            {t('cards.topUp.submit')}
          </button>
        </div>
      )}
      {manager && card.status === 'active' && (
        <div className="card-actions">
          <h3>{t('cards.transfer.title')}</h3>
          <input
            value={to}
            inputMode="numeric"
            placeholder={t('cards.transfer.to')}
            onChange={(e) => setTo(e.target.value)}
            data-testid="transfer-to"
          />
          <input
            value={moveAmount}
            inputMode="decimal"
            placeholder={t('cards.transfer.amountHint')}
            onChange={(e) => setMoveAmount(e.target.value)}
          />
          <button
            type="button"
            className="btn btn-secondary"
            disabled={to.trim() === ''}
            onClick={() => void transfer()}
            data-testid="transfer-submit"
          >
            {t('cards.transfer.submit')}
          </button>
          <h3>{t('cards.reissue.title')}</h3>
          <p className="muted">{t('cards.reissue.hint')}</p>
          <button type="button" className="btn btn-danger" onClick={() => void reissue()} data-testid="reissue-submit">
            {t('cards.reissue.submit')}
          </button>
        </div>
      )}
      {manager && card.status !== 'replaced' && (
        <button type="button" className="btn btn-ghost" onClick={() => void setBlocked(card.status === 'active')} data-testid="card-block">
          {card.status === 'active' ? t('cards.block.block') : t('cards.block.unblock')}
        </button>
      )}
      <h3>{t('cards.history')}</h3>
      <Table
        rows={card.entries}
        rowKey={(e) => e.id}
        testId="card-history"
        columns={[
          { key: 'at', cell: (e) => fmt.dateTime(e.at) },
          {
            key: 'kind',
            cell: (e) => (
              <>
                {t(`cards.entry.${e.kind}`)}
                {e.offline && <small> ({t('cards.offline')})</small>}
              </>
            ),
          },
          { key: 'delta', num: true, cell: (e) => fmt.money(e.delta, currency) },
        ]}
      />
    </section>
  );
}

function IssueForm({ currency, onDone, onError }: { currency: string; onDone: Done; onError: OnError }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const m = useMoney(currency);
  const [kind, setKind] = useState<'gift' | 'stored_value'>('stored_value');
  const [amount, setAmount] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [name, setName] = useState('');
  const [mobile, setMobile] = useState('');
  const [paidByCard, setPaidByCard] = useState(false);
  const parsed = m.parse(amount);
  const qty = Number.parseInt(quantity, 10) || 1;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed) return;
    const total = parsed * qty;
    const r = await cardsData.issue({
      opId: uuidv7(),
      kind,
      amount: parsed,
      ...(qty > 1 ? { quantity: qty } : {}),
      ...(name.trim() ? { holder: { name: name.trim(), mobile: mobile.trim() } } : {}),
      payment: paidByCard ? { cash: 0, card: total } : { cash: total, card: 0 },
    });
    if (!r.ok) return onError(r.error);
    setAmount('');
    setName('');
    setMobile('');
    const first = r.value[0]!;
    onDone(t('cards.issue.done', { number: first.number, amount: fmt.money(first.balance, currency) }), first);
  };

  return (
    <form className="card settings-card" onSubmit={(e) => void submit(e)}>
      <h2>{t('cards.issue.title')}</h2>
      <div className="tabs" role="tablist">
        {(['stored_value', 'gift'] as const).map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={kind === k}
            className={`tab${kind === k ? ' tab-active' : ''}`}
            onClick={() => setKind(k)}
          >
            {t(`cards.kind.${k}`)}
          </button>
        ))}
      </div>
      <Field label={t('cards.issue.amount')}>
        <div className="input-suffix">
          <input value={amount} inputMode="decimal" onChange={(e) => setAmount(e.target.value)} data-testid="issue-amount" />
          <span>{currency}</span>
        </div>
      </Field>
      <Field label={t('cards.issue.quantity')}>
        <input value={quantity} inputMode="numeric" onChange={(e) => setQuantity(e.target.value)} data-testid="issue-quantity" />
      </Field>
      <Field label={t('cards.issue.holderName')}>
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="issue-holder-name" />
      </Field>
      <Field label={t('cards.issue.holderMobile')}>
        <input value={mobile} inputMode="tel" onChange={(e) => setMobile(e.target.value)} data-testid="issue-holder-mobile" />
      </Field>
      <label className="check">
        <input type="checkbox" checked={paidByCard} onChange={(e) => setPaidByCard(e.target.checked)} /> {t('cards.issue.paidCard')}
      </label>
      <button type="submit" className="btn btn-primary" disabled={!parsed} data-testid="issue-submit">
        {t('cards.issue.submit')}
      </button>
    </form>
  );
}

function RulesForm({
  settings,
  currency,
  onSaved,
  onError,
}: {
  settings: StoredValueSettingsView;
  currency: string;
  onSaved(s: StoredValueSettingsView): void;
  onError: OnError;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const m = useMoney(currency);
  const [rules, setRules] = useState(settings.bonusRules.map((r) => ({ min: m.input(r.minTopUp), bonus: m.input(r.bonus) })));
  const [expiry, setExpiry] = useState(settings.expiryMonths === null ? '' : String(settings.expiryMonths));
  const [cn, setCn] = useState(settings.cnRules);
  const [perSpend, setPerSpend] = useState(m.input(settings.offlineMaxPerSpend));
  const [total, setTotal] = useState(m.input(settings.offlineMaxTotal));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const bonusRules = rules
      .map((r) => ({ minTopUp: m.parse(r.min) ?? 0, bonus: m.parse(r.bonus) ?? 0 }))
      .filter((r) => r.minTopUp > 0 && r.bonus > 0);
    const r = await cardsData.setSettings({
      bonusRules,
      expiryMonths: expiry.trim() === '' ? null : Number.parseInt(expiry, 10),
      cnRules: cn,
      offlineMaxPerSpend: m.parse(perSpend) ?? 0,
      offlineMaxTotal: m.parse(total) ?? 0,
    });
    if (r.ok) onSaved(r.value);
    else onError(r.error);
  };

  return (
    <form className="card settings-card" onSubmit={(e) => void save(e)} data-testid="card-rules">
      <h2>{t('cards.settings.title')}</h2>
      <h3>{t('cards.settings.bonus')}</h3>
      {rules.map((r, i) => (
        <div className="row" key={i}>
          <input
            value={r.min}
            inputMode="decimal"
            aria-label={t('cards.settings.minTopUp')}
            placeholder={t('cards.settings.minTopUp')}
            onChange={(e) => setRules(rules.map((x, j) => (j === i ? { ...x, min: e.target.value } : x)))}
          />
          <input
            value={r.bonus}
            inputMode="decimal"
            aria-label={t('cards.settings.bonusAmount')}
            placeholder={t('cards.settings.bonusAmount')}
            onChange={(e) => setRules(rules.map((x, j) => (j === i ? { ...x, bonus: e.target.value } : x)))}
          />
          <button type="button" className="btn btn-ghost" onClick={() => setRules(rules.filter((_, j) => j !== i))}>
            {t('cards.settings.removeRule')}
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-ghost" onClick={() => setRules([...rules, { min: '', bonus: '' }])} data-testid="rule-add">
        + {t('cards.settings.addRule')}
      </button>
      <Field label={t('cards.settings.expiry')}>
        <input value={expiry} inputMode="numeric" onChange={(e) => setExpiry(e.target.value)} />
      </Field>
      <Field label={t('cards.settings.cn')}>
        <select value={cn} onChange={(e) => setCn(e.target.value as typeof cn)} data-testid="cn-rules">
          <option value="auto">{t('cards.settings.cnAuto')}</option>
          <option value="on">{t('cards.settings.cnOn')}</option>
          <option value="off">{t('cards.settings.cnOff')}</option>
        </select>
      </Field>
      {settings.cnRulesActive && (
        <p className="muted" data-testid="cn-active">
          {t('cards.settings.cnActive', {
            anon: fmt.money(settings.cnLimits.anonymousMax, 'CNY'),
            reg: fmt.money(settings.cnLimits.registeredMax, 'CNY'),
            realName: fmt.money(settings.cnLimits.realNameFrom, 'CNY'),
          })}
        </p>
      )}
      <Field label={t('cards.settings.offlinePerSpend')}>
        <input value={perSpend} inputMode="decimal" onChange={(e) => setPerSpend(e.target.value)} />
      </Field>
      <Field label={t('cards.settings.offlineTotal')}>
        <input value={total} inputMode="decimal" onChange={(e) => setTotal(e.target.value)} />
      </Field>
      <button type="submit" className="btn btn-primary" data-testid="rules-save">
        {t('cards.settings.save')}
      </button>
    </form>
  );
}

function Liability({ currency, onDone, onError }: { currency: string; onDone: Done; onError: OnError }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [report, setReport] = useState<LiabilityReport | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    void cardsData.liability({}).then((r) => {
      if (!live) return;
      if (r.ok) setReport(r.value);
      else onError(r.error);
    });
    return () => {
      live = false;
    };
  }, [round, onError]);
  const load = () => setRound((n) => n + 1);
  const expire = async () => {
    const r = await cardsData.expire({});
    if (!r.ok) return onError(r.error);
    onDone(t('cards.liability.expired', { count: r.value.cards, amount: fmt.money(r.value.amount, currency) }));
    load();
  };
  if (!report) return null;
  return (
    <section className="card settings-card" data-testid="card-liability">
      <h2>{t('cards.liability.title')}</h2>
      <p>
        {t('cards.liability.outstanding')}: <strong data-testid="liability-total">{fmt.money(report.outstanding, currency)}</strong> ·{' '}
        {t('cards.liability.cards')}: {report.cardCount}
      </p>
      <p className="muted">
        {t('cards.liability.expiredUnspent', {
          count: report.expiredUnspent.count,
          amount: fmt.money(report.expiredUnspent.amount, currency),
        })}
      </p>
      {report.expiredUnspent.count > 0 && (
        <button type="button" className="btn btn-secondary" onClick={() => void expire()}>
          {t('cards.liability.expire')}
        </button>
      )}
    </section>
  );
}
