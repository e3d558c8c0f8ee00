import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { countsList, countsTotal, useShifts } from '../../stores/shifts';
import { CountForm } from './CountForm';
import './shifts.css';

export function OpenShiftDialog({ onClose, onOpened }: { onClose(): void; onOpened?(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const state = useShifts((s) => s.state);
  const open = useShifts((s) => s.open);
  const [pieces, setPieces] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState(false);
  if (!state) return null;
  const submit = async () => {
    setBusy(true);
    const r = await open(countsList(pieces));
    setBusy(false);
    if (r) {
      onOpened?.();
      onClose();
    }
  };
  return (
    <Modal
      title={t('shifts.openTitle')}
      onClose={onClose}
      size="lg"
      testId="open-shift-dialog"
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void submit()} data-testid="open-shift-submit">
            {t('shifts.openSubmit', { amount: fmt.money(countsTotal(pieces), state.currency) })}
          </button>
        </>
      }
    >
      <CountForm denominations={state.denominations} currency={state.currency} pieces={pieces} onChange={setPieces} />
    </Modal>
  );
}

/** On the checkout: a clear prompt when this till has no open shift (the scanner keeps working). */
export function ShiftGate() {
  const { t } = useTranslation();
  const state = useShifts((s) => s.state);
  const prompting = useShifts((s) => s.prompting);
  const prompt = useShifts((s) => s.prompt);
  const dismiss = useShifts((s) => s.dismissPrompt);
  const load = useShifts((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  if (!state || state.shift) return null;
  return (
    <>
      <div className="shift-gate" role="status" data-testid="shift-required">
        <div>
          <strong>{t('shifts.none')}</strong>
          <span className="muted"> {t('shifts.noneHint')}</span>
        </div>
        <button type="button" className="btn btn-primary btn-sm" onClick={prompt} data-testid="open-shift-button">
          {t('shifts.open')}
        </button>
      </div>
      {prompting && <OpenShiftDialog onClose={dismiss} />}
    </>
  );
}
