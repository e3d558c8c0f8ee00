import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffSummary } from '../../shared/api';
import type { ApiError } from '../../shared/errors';
import { describeError } from '../lib/errors';
import { bpToPercentText, useFormat, type Formatters } from '../lib/format';
import { localizedName } from '../lib/names';
import { useApproval, type ApprovalItem, type ApprovalSubject } from '../stores/approval';
import { InlineError } from './ErrorBanner';
import { Modal } from './Modal';
import { PinPad } from './PinPad';
import { staffData } from '../data/admin';

type Translate = (key: string, params?: Record<string, string | number>) => string;

/** One sentence naming what is approved: the item, the amount or percent, before and after. */
export function describeApproval(t: Translate, fmt: Formatters, language: string, subject: ApprovalSubject): string {
  const item = (i: ApprovalItem) => localizedName(i.name, i.altName, language).primary;
  const off = (d: { kind: 'percent'; bp: number } | { kind: 'amount'; minor: number }) =>
    d.kind === 'percent' ? `${bpToPercentText(d.bp)}%` : fmt.money(d.minor);
  switch (subject.kind) {
    case 'lineDiscount':
      return t('approval.what.lineDiscount', { item: item(subject.item), off: off(subject.discount) });
    case 'cartDiscount':
      return t('approval.what.cartDiscount', { off: off(subject.discount) });
    case 'price':
      return t('approval.what.price', { item: item(subject.item), from: fmt.money(subject.from), to: fmt.money(subject.to) });
    case 'qty':
      return t('approval.what.qty', {
        item: item(subject.item),
        from: fmt.qty(subject.from, subject.unit),
        to: fmt.qty(subject.to, subject.unit),
      });
    case 'removeLine':
      return t('approval.what.removeLine', { item: item(subject.item) });
    case 'refund':
      if (subject.amount === null) return t('approval.titleRefund');
      return subject.order
        ? t('approval.what.refundOrder', { amount: fmt.money(subject.amount), order: subject.order })
        : t('approval.what.refund', { amount: fmt.money(subject.amount) });
  }
}

/** Asks a manager or admin to approve on the spot with their PIN, then retries the same call. */
export function ApprovalDialog() {
  const pending = useApproval((s) => s.pending);
  if (!pending) return null;
  return <ApprovalForm key={pending.cause.message + pending.reason} />;
}

function ApprovalForm() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const pending = useApproval((s) => s.pending);
  const close = useApproval((s) => s.close);
  const [staff, setStaff] = useState<StaffSummary[] | null>(null);
  const [staffId, setStaffId] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const pinRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    void staffData.list({}).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setError(r.error);
        return;
      }
      const approvers = r.value.filter((s) => s.active && (s.role === 'manager' || s.role === 'admin'));
      setStaff(approvers);
      const only = approvers.length === 1 ? approvers[0] : undefined;
      if (only) setStaffId(only.id);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (staffId) pinRef.current?.focus();
  }, [staffId]);

  if (!pending) return null;

  const submit = async () => {
    if (!staffId || busy) return;
    setBusy(true);
    setError(null);
    const r = await pending.attempt({ staffId, pin });
    setBusy(false);
    if (r.ok) {
      close(r);
      return;
    }
    setPin('');
    if (r.error.code === 'APPROVAL_REQUIRED' || r.error.code === 'FORBIDDEN') {
      setError({ code: 'APPROVAL_REQUIRED', message: t('approval.notAllowed') });
      return;
    }
    if (r.error.code === 'VALIDATION' || r.error.code === 'NOT_FOUND' || r.error.code === 'CONFLICT') {
      // Not about the PIN: give the answer back to the screen that asked.
      close(r);
      return;
    }
    setError(r.error);
    pinRef.current?.focus();
  };

  const errorText = error ? (error.code === 'APPROVAL_REQUIRED' ? error.message : describeError(t, error, { kind: 'signIn' })) : null;

  return (
    <Modal
      title={t(
        pending.reason === 'price'
          ? 'approval.titlePrice'
          : pending.reason === 'refund'
            ? 'approval.titleRefund'
            : 'approval.titleDiscount',
      )}
      onClose={() => close(null)}
      size="md"
      testId="approval-dialog"
    >
      {pending.subject && (
        <p className="approval-what" data-testid="approval-what">
          {describeApproval(t, fmt, i18n.language, pending.subject)}
        </p>
      )}
      <p className="muted">{t('approval.explain')}</p>
      {staff && staff.length === 0 && <InlineError text={t('approval.noApprovers')} />}
      <div className="approver-list" role="radiogroup" aria-label={t('approval.who')}>
        {(staff ?? []).map((s) => (
          <button
            key={s.id}
            type="button"
            role="radio"
            aria-checked={staffId === s.id}
            className={`chip chip-lg${staffId === s.id ? ' chip-active' : ''}`}
            onClick={() => setStaffId(s.id)}
            data-testid={`approver-${s.name}`}
          >
            <span className="ellipsis">{s.name}</span>
            <small>{t(`roles.${s.role}`)}</small>
          </button>
        ))}
      </div>
      <InlineError text={errorText} />
      <PinPad
        value={pin}
        onChange={setPin}
        onSubmit={() => void submit()}
        disabled={!staffId}
        busy={busy}
        inputRef={pinRef}
        inputTestId="approval-pin"
        submitTestId="approval-submit"
        label={t('approval.pin')}
        submitLabel={t('approval.approve')}
      />
    </Modal>
  );
}
