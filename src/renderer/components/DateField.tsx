import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { datePattern, formatIsoDate, parseLocalDate } from '../lib/date-text';

/**
 * A date filter written the screen's way. Takes and gives yyyy-mm-dd ('' for none); text that is
 * not a date yet leaves the value unchanged until it is one (or is cleared).
 */
export function DateField({ value, onChange, testId }: { value: string; onChange(iso: string): void; testId?: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [text, setText] = useState(() => formatIsoDate(value, locale));
  const [invalid, setInvalid] = useState(false);

  // Follow a value set from outside (a reset) or a language switch, but not the clerk's own typing.
  const seen = useRef({ value, locale });
  useEffect(() => {
    if (seen.current.value === value && seen.current.locale === locale) return;
    seen.current = { value, locale };
    setText(formatIsoDate(value, locale));
    setInvalid(false);
  }, [value, locale]);
  const emit = (iso: string) => {
    seen.current = { value: iso, locale };
    onChange(iso);
  };

  const pattern = datePattern(locale, { year: t('dateField.year'), month: t('dateField.month'), day: t('dateField.day') });
  return (
    <input
      type="text"
      inputMode="numeric"
      value={text}
      placeholder={pattern}
      title={pattern}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        if (next.trim() === '') {
          setInvalid(false);
          if (value !== '') emit('');
          return;
        }
        const iso = parseLocalDate(next, locale);
        setInvalid(iso === null);
        if (iso !== null && iso !== value) emit(iso);
      }}
      onBlur={() => {
        // Tidy what was typed ("2026-12-1") into the screen's form once the clerk moves on.
        const iso = parseLocalDate(text, locale);
        if (iso !== null) setText(formatIsoDate(iso, locale));
      }}
      data-testid={testId}
    />
  );
}
