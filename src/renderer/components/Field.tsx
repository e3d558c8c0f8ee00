import type { ReactNode } from 'react';

/** A form field: its label, the input (or select) given as children, a hint and an error under it. */
export function Field({
  label,
  children,
  hint,
  error,
  className,
  testId,
}: {
  label: ReactNode;
  children: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <label className={className ? `field ${className}` : 'field'} data-testid={testId}>
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}
