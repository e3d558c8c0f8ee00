import { useEffect, useRef, useState } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { InlineError } from '../../components/ErrorBanner';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useReceipt } from '../../stores/receipt';
import { useAfter } from '../../stores/aftersale';
import { useApp } from '../../stores/app';
import { canOpen } from '../../views';
import { ReceiptPaper } from './ReceiptPaper';

/** After a sale (change due, new sale) or from recent sales (reprint). */
export function ReceiptDialog({ onNewSale }: { onNewSale(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const r = useReceipt();
  const newSaleRef = useRef<HTMLButtonElement>(null);
  const printRoot = document.getElementById('print-root');
  // The copy for the printer exists only while printing, so the page never holds the receipt twice.
  const [printCopy, setPrintCopy] = useState(false);

  useEffect(() => {
    const before = () => flushSync(() => setPrintCopy(true));
    const after = () => setPrintCopy(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);

  const print = () => {
    flushSync(() => setPrintCopy(true));
    window.print();
    setPrintCopy(false);
    // Printing is done: Enter should start the next sale, not print again.
    newSaleRef.current?.focus();
  };

  const done = () => {
    r.close();
    onNewSale();
  };

  // A reopened receipt is where a customer's return usually starts: hand it to the orders
  // screen's return flow (same role rule and approvals as starting it there).
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const canReturn = !r.justSold && canOpen('orders', role);
  const startReturn = () => {
    if (!r.orderId) return;
    const id = r.orderId;
    r.close();
    useAfter.getState().returnOrderNext(id);
    useApp.getState().go('orders');
  };

  // Enter starts the next sale from anywhere in this dialog (except on its other buttons).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.repeat) return;
      // A focused button (New sale included) handles Enter itself.
      if (e.target instanceof HTMLButtonElement || e.defaultPrevented) return;
      e.preventDefault();
      newSaleRef.current?.click();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!r.orderId) return null;
  const order = r.order;
  const currency = order?.currency ?? fmt.currency;
  const printError = r.printError ? describeError(t, r.printError, { kind: 'print' }) : null;

  return (
    <Modal
      title={r.justSold ? t('receipt.saleComplete') : t('receipt.title', { number: order?.number ?? '' })}
      onClose={done}
      size="xl"
      testId="receipt-dialog"
      initialFocus={newSaleRef}
    >
      <div className="receipt-layout">
        <div className="receipt-scroll">
          {r.doc ? (
            <div data-testid="receipt" className="receipt-frame">
              <ReceiptPaper doc={r.doc} testId="receipt-paper" />
            </div>
          ) : r.error ? (
            <InlineError text={describeError(t, r.error)} testId="error-banner" />
          ) : (
            <p className="muted">{t('common.loading')}</p>
          )}
        </div>
        <aside className="receipt-side">
          {order && (
            <div className={`change-panel${r.justSold ? '' : ' change-panel-quiet'}`}>
              <span>{t('receipt.changeDue')}</span>
              <strong data-testid="change-due">{fmt.money(order.change, currency)}</strong>
              <small className="muted">
                {t('receipt.paidOf', { paid: fmt.money(order.paid, currency), total: fmt.money(order.total, currency) })}
              </small>
            </div>
          )}
          <button
            type="button"
            className="btn btn-secondary btn-lg btn-block"
            disabled={!r.doc}
            onClick={print}
            data-testid="print-receipt"
          >
            <Icon name="print" /> {t('receipt.print')}
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-lg btn-block"
            disabled={!r.doc || r.printing}
            onClick={() => void r.printToPrinter().then(() => newSaleRef.current?.focus())}
            data-testid="send-to-printer"
          >
            <Icon name="send" /> {r.printing ? t('receipt.sending') : t('receipt.sendToPrinter')}
          </button>
          {r.printed && (
            <p className="notice notice-ok" role="status" data-testid="printer-ok">
              {t('receipt.sent')}
            </p>
          )}
          <InlineError text={printError} testId="printer-error" />
          {canReturn && (
            <button
              type="button"
              className="btn btn-secondary btn-lg btn-block"
              disabled={!order}
              onClick={startReturn}
              data-testid="receipt-return"
            >
              <Icon name="back" /> {t('after.order.return')}
            </button>
          )}
          <button ref={newSaleRef} type="button" className="btn btn-pay btn-lg btn-block receipt-new" onClick={done} data-testid="new-sale">
            {r.justSold ? t('receipt.newSale') : t('common.close')}
            <kbd>Enter</kbd>
          </button>
        </aside>
      </div>
      {printCopy && r.doc && printRoot && createPortal(<ReceiptPaper doc={r.doc} />, printRoot)}
    </Modal>
  );
}
