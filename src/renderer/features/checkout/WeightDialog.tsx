import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { parseQty } from '../../../shared/money';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { localizedName } from '../../lib/names';
import { useCart } from '../../stores/cart';
import { useWeigh, type WeighTarget } from '../../stores/weigh';
import { Field } from '../../components/Field';

/** Asks for a weighed item's weight, keyboard first: type it in the item's unit, Enter adds, Escape cancels. */
export function WeightDialog({ onDone }: { onDone(): void }) {
  const target = useWeigh((s) => s.target);
  if (!target) return null;
  return <WeightForm key={target.mode === 'add' ? target.productId : target.lineId} target={target} onDone={onDone} />;
}

function WeightForm({ target, onDone }: { target: WeighTarget; onDone(): void }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const close = useWeigh((s) => s.close);
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(() => (target.mode === 'edit' ? (target.qty / 1000).toFixed(3) : ''));
  const [busy, setBusy] = useState(false);
  const n = localizedName(target.name, target.altName, i18n.language);
  // Thousandths of the item's own unit (0.750 lb = 750), as the cart keeps them.
  const grams = text.trim() === '' ? null : parseQty(text, target.unit);
  const valid = grams !== null && grams > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    const cart = useCart.getState();
    const ok = target.mode === 'add' ? await cart.addProduct(target.productId, grams) : (await cart.setQty(target.lineId, grams), true);
    setBusy(false);
    if (!ok) return;
    close();
    onDone();
  };

  return (
    <Modal
      title={
        <span className="modal-title-line">
          <span className="ellipsis">{n.primary}</span>
          {n.secondary && <small className="muted ellipsis">{n.secondary}</small>}
        </span>
      }
      onClose={close}
      size="sm"
      testId="weight-dialog"
      initialFocus={inputRef}
    >
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('weigh.label')} error={text.trim() !== '' && !valid ? t('weigh.invalid') : undefined}>
          <div className="input-suffix input-xl">
            <input
              ref={inputRef}
              inputMode="decimal"
              autoComplete="off"
              value={text}
              placeholder="0.000"
              onChange={(e) => setText(e.target.value)}
              aria-invalid={text.trim() !== '' && !valid}
              data-testid="weight-input"
            />
            <span>{t(`units.${target.unit}`)}</span>
          </div>
        </Field>
        <p className="muted" data-testid="weight-preview">
          {t('weigh.price', { price: fmt.money(target.price), unit: t(`units.${target.unit}`) })}
          {valid && ` · ${t('weigh.total', { total: fmt.money(Math.round((target.price * grams) / 1000)) })}`}
        </p>
        <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={!valid || busy} data-testid="weight-submit">
          {target.mode === 'add' ? t('weigh.add') : t('weigh.update')} <kbd>Enter</kbd>
        </button>
      </form>
    </Modal>
  );
}
