import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from './Modal';

interface Pending {
  text: ReactNode;
  /** Present when the question asks for a text (a new name): its starting value. */
  initial?: string;
  resolve(answer: string | null): void;
}

/**
 * Asks the user in the app's own dialog (localized buttons, the focus trap) rather than the
 * browser's confirm and prompt, which the desktop window words in the system's language.
 * Render `dialog`; `confirm(text)` answers true or false, `prompt(label, initial)` the text or null.
 */
export function useConfirm() {
  const { t } = useTranslation();
  const [pending, setPending] = useState<Pending | null>(null);
  const [value, setValue] = useState('');
  const confirm = useCallback(
    (text: ReactNode) => new Promise<boolean>((resolve) => setPending({ text, resolve: (a) => resolve(a !== null) })),
    [],
  );
  const prompt = useCallback((text: ReactNode, initial: string) => {
    setValue(initial);
    return new Promise<string | null>((resolve) => setPending({ text, initial, resolve }));
  }, []);
  const answer = (a: string | null) => {
    pending?.resolve(a);
    setPending(null);
  };
  const asksText = pending?.initial !== undefined;
  const dialog = pending && (
    <Modal
      title={asksText ? pending.text : t('common.confirm')}
      onClose={() => answer(null)}
      size="sm"
      testId="confirm-dialog"
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={() => answer(null)} data-testid="confirm-cancel">
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={asksText && !value.trim()}
            onClick={() => answer(asksText ? value.trim() : '')}
            data-testid="confirm-ok"
          >
            {t('common.ok')}
          </button>
        </>
      }
    >
      {asksText ? (
        <input
          value={value}
          aria-label={typeof pending.text === 'string' ? pending.text : undefined}
          maxLength={120}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && value.trim()) answer(value.trim());
          }}
          data-testid="confirm-input"
        />
      ) : (
        <p>{pending.text}</p>
      )}
    </Modal>
  );
  return { dialog, confirm, prompt };
}
