import { useTranslation } from 'react-i18next';
import type { RefObject } from 'react';

interface PinPadProps {
  value: string;
  onChange(value: string): void;
  onSubmit(): void;
  disabled?: boolean;
  busy?: boolean;
  inputRef?: RefObject<HTMLInputElement | null>;
  inputTestId?: string;
  submitTestId?: string;
  label: string;
  submitLabel?: string;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A PIN field with a touch keypad; the keyboard works too and Enter submits. */
export function PinPad({
  value,
  onChange,
  onSubmit,
  disabled,
  busy,
  inputRef,
  inputTestId = 'pin-input',
  submitTestId = 'pin-submit',
  label,
  submitLabel,
}: PinPadProps) {
  const { t } = useTranslation();
  const press = (d: string) => {
    if (value.length < 8) onChange(value + d);
    inputRef?.current?.focus();
  };
  const canSubmit = !disabled && !busy && /^\d{4,8}$/.test(value);
  return (
    <form
      className="pinpad"
      onSubmit={(e) => {
        e.preventDefault();
        if (canSubmit) onSubmit();
      }}
    >
      <label className="pinpad-label">
        <span className="sr-only">{label}</span>
        <input
          ref={inputRef}
          className="pinpad-input"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          placeholder={label}
          value={value}
          disabled={disabled}
          data-testid={inputTestId}
          onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 8))}
        />
      </label>
      <div className="pinpad-keys">
        {KEYS.map((k) => (
          <button key={k} type="button" className="pinpad-key" disabled={disabled} onClick={() => press(k)} tabIndex={-1}>
            {k}
          </button>
        ))}
        <button
          type="button"
          className="pinpad-key pinpad-key-muted"
          disabled={disabled}
          onClick={() => {
            onChange('');
            inputRef?.current?.focus();
          }}
          tabIndex={-1}
        >
          {t('pin.clear')}
        </button>
        <button type="button" className="pinpad-key" disabled={disabled} onClick={() => press('0')} tabIndex={-1}>
          0
        </button>
        <button
          type="button"
          className="pinpad-key pinpad-key-muted"
          disabled={disabled}
          onClick={() => {
            onChange(value.slice(0, -1));
            inputRef?.current?.focus();
          }}
          aria-label={t('pin.backspace')}
          tabIndex={-1}
        >
          ⌫
        </button>
      </div>
      <button type="submit" className="btn btn-primary btn-lg btn-block" disabled={!canSubmit} data-testid={submitTestId}>
        {busy ? t('common.working') : (submitLabel ?? t('pin.submit'))}
      </button>
    </form>
  );
}
