import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';

/** The amount a tender takes, large, with the store's currency after it (cards, gift cards, providers). */
export function AmountField(props: {
  value: string;
  onChange: (text: string) => void;
  currency: string;
  testId: string;
  label?: ReactNode;
  error?: ReactNode;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Field label={props.label ?? t('payment.amount')} error={props.error}>
      <div className="input-suffix input-xl">
        <input
          inputMode="decimal"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          disabled={props.disabled}
          data-testid={props.testId}
          autoFocus={props.autoFocus}
        />
        <span>{props.currency}</span>
      </div>
    </Field>
  );
}
