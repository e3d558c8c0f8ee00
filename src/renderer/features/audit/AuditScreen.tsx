import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditCursor, AuditFacets, AuditName, AuditPage, AuditRow, InputOf } from '../../../shared/api';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';
import { TopBar } from '../../components/TopBar';
import { actionLabel, describeRow, type DescribeContext } from './describe';
import './audit.css';
import { auditData } from '../../data/admin';
import { Field } from '../../components/Field';
import { Table } from '../../components/Table';

type Filter = Omit<InputOf<'audit.list'>, 'before' | 'limit'>;

const PAGE = 50;
/** Families of actions offered as one choice (value `family:<prefix>`). */
const FAMILIES = ['staff.', 'discount.', 'backup.', 'signIn'] as const;

/** "2026-11-22" in this computer's time zone → epoch ms at the start of that day. */
function dayStart(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = new Date(`${date}T00:00:00`).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** A manager browses the audit log: filters by who, what, when, till and outcome; newest first, paged in SQL. */
export function AuditScreen() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const notifyError = useNotify((s) => s.error);
  const [facets, setFacets] = useState<AuditFacets | null>(null);
  const [staffId, setStaffId] = useState('');
  const [action, setAction] = useState('');
  const [terminal, setTerminal] = useState('');
  const [outcome, setOutcome] = useState<'' | 'success' | 'failure'>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [next, setNext] = useState<AuditCursor | null>(null);
  const [loading, setLoading] = useState(false);
  const request = useRef(0);

  const label = useCallback((a: string): string => actionLabel(t, a), [t]);
  const [names, setNames] = useState<Record<string, AuditName>>({});

  const filter: Filter = useMemo(() => {
    const f: Filter = {};
    if (staffId) f.staffId = staffId;
    if (action.startsWith('family:')) f.actionPrefix = action.slice('family:'.length);
    else if (action) f.action = action;
    if (terminal) f.terminal = terminal;
    if (outcome) f.outcome = outcome;
    const a = dayStart(from);
    const b = dayStart(to);
    if (a !== undefined) f.from = a;
    if (b !== undefined) f.to = b + 86_400_000;
    return f;
  }, [staffId, action, terminal, outcome, from, to]);

  useEffect(() => {
    let live = true;
    void auditData.facets({}).then((r) => {
      if (live && r.ok) setFacets(r.value);
    });
    return () => {
      live = false;
    };
  }, []);

  const apply = useCallback((page: AuditPage, append: boolean) => {
    setRows((old) => (append && old ? [...old, ...page.rows] : page.rows));
    setNames((old) => (append ? { ...old, ...page.names } : page.names));
    setNext(page.next);
  }, []);

  // A new filter: the first (newest) page.
  useEffect(() => {
    const id = ++request.current;
    void auditData.list({ ...filter, limit: PAGE }).then((r) => {
      if (id !== request.current) return;
      setLoading(false);
      if (r.ok) apply(r.value, false);
      else notifyError(r.error);
    });
  }, [filter, apply, notifyError]);

  const more = async (before: AuditCursor) => {
    const id = ++request.current;
    setLoading(true);
    const r = await auditData.list({ ...filter, limit: PAGE, before });
    if (id !== request.current) return;
    setLoading(false);
    if (r.ok) apply(r.value, true);
    else notifyError(r.error);
  };

  const describe: DescribeContext = useMemo(() => {
    // Staff who appear only as a target (a PIN reset) are named from the facets too.
    const all: Record<string, AuditName> = {};
    for (const s of facets?.staff ?? []) all[s.id] = { name: s.name, altName: null };
    return { t, fmt, language: i18n.language, names: { ...all, ...names } };
  }, [t, fmt, i18n.language, names, facets]);
  const families = FAMILIES.filter((f) => facets?.actions.some((a) => a.startsWith(f)));
  const reset = () => {
    setStaffId('');
    setAction('');
    setTerminal('');
    setOutcome('');
    setFrom('');
    setTo('');
  };

  return (
    <div className="settings-screen audit-screen" data-testid="audit-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('audit.title')}</h1>
        <p className="muted audit-hint">{t('audit.hint')}</p>
        <section className="card audit-filters" aria-label={t('audit.title')}>
          <Field label={t('audit.who')}>
            <select value={staffId} onChange={(e) => setStaffId(e.target.value)} data-testid="audit-who">
              <option value="">{t('audit.anyone')}</option>
              {facets?.staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('audit.what')}>
            <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-what">
              <option value="">{t('audit.anyAction')}</option>
              {families.map((f) => (
                <option key={f} value={`family:${f}`}>
                  {t(`audit.families.${f.replace(/\.$/, '')}`)}
                </option>
              ))}
              {facets?.actions.map((a) => (
                <option key={a} value={a}>
                  {label(a)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('audit.terminal')}>
            <select value={terminal} onChange={(e) => setTerminal(e.target.value)} data-testid="audit-terminal">
              <option value="">{t('audit.anyTerminal')}</option>
              {facets?.terminals.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('audit.outcome')}>
            <select value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)} data-testid="audit-outcome">
              <option value="">{t('audit.anyOutcome')}</option>
              <option value="success">{t('audit.success')}</option>
              <option value="failure">{t('audit.failure')}</option>
            </select>
          </Field>
          <Field label={t('audit.from')}>
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="audit-from" />
          </Field>
          <Field label={t('audit.to')}>
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="audit-to" />
          </Field>
          <div className="audit-reset">
            <button type="button" className="btn btn-ghost" onClick={reset} data-testid="audit-reset">
              {t('audit.reset')}
            </button>
          </div>
        </section>

        <section className="card audit-results">
          {rows === null ? (
            <p className="muted">{t('common.loading')}</p>
          ) : rows.length === 0 ? (
            <p className="muted" data-testid="audit-empty">
              {t('audit.empty')}
            </p>
          ) : (
            <>
              <p className="muted audit-count" data-testid="audit-count">
                {t('audit.shown', { count: rows.length })}
              </p>
              <div className="audit-table-wrap">
                <Table
                  className="table audit-table"
                  rows={rows}
                  rowKey={(r) => r.id}
                  rowTestId="audit-row"
                  rowAttributes={(r) => ({ 'data-action': r.action })}
                  columns={[
                    { key: 'when', header: t('audit.when'), className: 'nowrap', cell: (r) => fmt.dateTime(r.at) },
                    {
                      key: 'who',
                      header: t('audit.who'),
                      className: 'ellipsis',
                      cell: (r) => (
                        <span title={r.staffName ?? ''}>{r.staffName ?? <span className="muted">{t('audit.system')}</span>}</span>
                      ),
                    },
                    { key: 'what', header: t('audit.what'), cell: (r) => <span title={r.action}>{label(r.action)}</span> },
                    {
                      key: 'details',
                      header: t('audit.details'),
                      className: 'audit-details',
                      testId: 'audit-details',
                      cell: (r) => {
                        const details = describeRow(describe, r);
                        return <span title={details}>{details}</span>;
                      },
                    },
                    { key: 'terminal', header: t('audit.terminal'), cell: (r) => r.terminalCode },
                    { key: 'approver', header: t('audit.approver'), className: 'ellipsis', cell: (r) => r.approverName ?? '' },
                    {
                      key: 'outcome',
                      header: t('audit.outcome'),
                      cell: (r) => (
                        <span className={`badge ${r.success ? 'badge-ok' : 'badge-warn'}`}>
                          {r.success ? t('audit.success') : t('audit.failure')}
                        </span>
                      ),
                    },
                  ]}
                />
              </div>
              <div className="audit-more">
                {next ? (
                  <button
                    type="button"
                    className="btn btn-secondary"
                    disabled={loading}
                    onClick={() => void more(next)}
                    data-testid="audit-more"
                  >
                    {loading ? t('common.loading') : t('audit.more')}
                  </button>
                ) : (
                  <span className="muted" data-testid="audit-end">
                    {t('audit.end')}
                  </span>
                )}
              </div>
            </>
          )}
        </section>
      </main>
    </div>
  );
}
