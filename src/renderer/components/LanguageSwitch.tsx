import { useTranslation } from 'react-i18next';
import { LANGUAGES, isLanguage } from '../i18n';
import { useApp } from '../stores/app';

/** Switches the UI language at once (stored for the store by an admin, for this terminal otherwise). */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const setLanguage = useApp((s) => s.setLanguage);
  return (
    <label className={`lang-switch${compact ? ' lang-switch-compact' : ''}`}>
      <span className="sr-only">{t('common.language')}</span>
      <span aria-hidden="true" className="lang-globe">
        文A
      </span>
      <select
        value={i18n.language}
        data-testid="language-switch"
        onChange={(e) => {
          if (isLanguage(e.target.value)) void setLanguage(e.target.value);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
