import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../lib/errors';
import { useNotify } from '../stores/notify';

/** The one place transient errors and notices appear; it never moves the layout. */
export function ErrorBanner() {
  const { t } = useTranslation();
  const notice = useNotify((s) => s.notice);
  const dismiss = useNotify((s) => s.dismiss);
  if (!notice) return null;
  const text = 'error' in notice ? describeError(t, notice.error, notice.context) : t(notice.messageKey, notice.params ?? {});
  const isError = notice.tone === 'error';
  return (
    <div
      className={`banner banner-${notice.tone}`}
      role={isError ? 'alert' : 'status'}
      data-testid={isError ? 'error-banner' : 'info-banner'}
      data-code={'error' in notice ? notice.error.code : undefined}
    >
      <span className="banner-icon" aria-hidden="true">
        {isError ? '!' : 'i'}
      </span>
      <span className="banner-text">{text}</span>
      <button type="button" className="banner-close" onClick={() => dismiss(notice.id)} aria-label={t('common.close')}>
        ×
      </button>
    </div>
  );
}

/** An error shown inline inside a form or dialog. */
export function InlineError({ text, testId = 'inline-error' }: { text: string | null; testId?: string }) {
  // One error on screen at a time: an inline error replaces the banner.
  useEffect(() => {
    if (text) useNotify.getState().dismiss();
  }, [text]);
  if (!text) return null;
  return (
    <div className="inline-error" role="alert" data-testid={testId}>
      {text}
    </div>
  );
}
