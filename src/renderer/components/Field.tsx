import type { ReactNode } from 'react';

/**
 * A form field: its label, the input (or select) given as children, a hint and an error under it.
 * An error marks the field invalid (class `field-invalid`) and is announced (`role="alert"`).
 */
export function Field({
  label,
  children,
  hint,
  error,
  className,
  testId,
  hintId,
  errorTestId,
  as = 'label',
}: {
  label: ReactNode;
  children: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
  testId?: string;
  /** id of the hint, for the input's aria-describedby. */
  hintId?: string;
  errorTestId?: string;
  /** A field of several controls (a star picker, a list of rows) is a group, not one label. */
  as?: 'label' | 'div';
}) {
  const Tag = as;
  const names = ['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <Tag className={names} data-testid={testId}>
      <span className="field-label">{label}</span>
      {children}
      {hint && (
        <span className="field-hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" role="alert" data-testid={errorTestId}>
          {error}
        </span>
      )}
    </Tag>
  );
}
