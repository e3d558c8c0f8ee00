import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '../../../shared/api';
import { useCart } from '../../stores/cart';
import { useCatalog } from '../../stores/catalog';
import { usePayment } from '../../stores/payment';
import { useReceipt } from '../../stores/receipt';
import { PaymentDialog } from '../payment/PaymentDialog';
import { ReceiptDialog } from '../receipt/ReceiptDialog';
import { CartPanel } from './CartPanel';
import { CategoryBar, ProductGrid, SearchBox, SearchResults } from './CatalogPanel';
import { RecentSales } from './RecentSales';
import { TopBar } from '../../components/TopBar';
import { useScanner } from './useScanner';
import { CheckoutExtras } from '../aftersale/CheckoutExtras';
import { scanOrderOr } from '../aftersale/scanOrder';
import { ShiftGate } from '../shifts/OpenShiftDialog';
import { useShifts } from '../../stores/shifts';
import { useWeigh } from '../../stores/weigh';
import { WeightDialog } from './WeightDialog';

export function CheckoutScreen() {
  const { t } = useTranslation();
  const searchRef = useRef<HTMLInputElement>(null);
  const cart = useCart((s) => s.cart);
  const loadCart = useCart((s) => s.load);
  const resetCart = useCart((s) => s.reset);
  const scan = useCart((s) => s.scan);
  const query = useCatalog((s) => s.query);
  const paymentOpen = usePayment((s) => s.open);
  const openPayment = usePayment((s) => s.openFor);
  const finishPayment = usePayment((s) => s.finished);
  const receiptOpen = useReceipt((s) => s.orderId !== null);
  const showReceipt = useReceipt((s) => s.show);
  const showReceiptById = useReceipt((s) => s.showById);
  const [recentOpen, setRecentOpen] = useState(false);

  useEffect(() => {
    void loadCart();
    void useCatalog.getState().loadCategories();
    useCatalog.getState().selectCategory(useCatalog.getState().categoryId);
    // Keyboard first: the search box is ready (a scanner works from anywhere anyway).
    searchRef.current?.focus();
  }, [loadCart]);

  const focusSearch = useCallback(() => {
    searchRef.current?.focus();
  }, []);

  const pay = useCallback(() => {
    const c = useCart.getState().cart;
    if (!c || !c.id || c.lines.length === 0) return;
    // No open shift on this till → prompt to open one instead of taking payment.
    if (useShifts.getState().state?.shift === null) return useShifts.getState().prompt();
    openPayment(c);
  }, [openPayment]);

  const weighing = useWeigh((s) => s.target !== null);
  useScanner({
    enabled: !paymentOpen && !receiptOpen && !recentOpen && !weighing,
    // A receipt's barcode (an order number) opens that order; anything else goes into the sale.
    onScan: (code) => void scanOrderOr(code, () => scan(code)),
    search: searchRef,
    stripFromSearch: (code) => {
      const { query: q, setQuery } = useCatalog.getState();
      const at = q.lastIndexOf(code);
      setQuery(at >= 0 ? q.slice(0, at) + q.slice(at + code.length) : q);
    },
    typeIntoSearch: (text) => {
      // Typing with no field focused starts a new search.
      useCatalog.getState().setQuery(text);
      searchRef.current?.focus();
    },
  });

  // Counter shortcuts: F2 search, F12 or Ctrl+Enter pay.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[aria-modal="true"]')) return;
      if (e.key === 'F12' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        pay();
      } else if (e.key === 'F2') {
        e.preventDefault();
        focusSearch();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pay, focusSearch]);

  const completed = (order: Order) => {
    finishPayment();
    void showReceipt(order, true);
    void resetCart();
    useCatalog.getState().invalidate();
  };

  return (
    <div className="checkout-screen">
      <TopBar onRecent={() => setRecentOpen(true)} />
      <CheckoutExtras />
      <ShiftGate />
      <main className="checkout-main">
        <CartPanel onPay={pay} />
        <section className="catalog-panel" aria-label={t('catalog.title')}>
          <SearchBox inputRef={searchRef} onAdded={focusSearch} />
          {query.trim() ? (
            <SearchResults onAdded={focusSearch} />
          ) : (
            <>
              <CategoryBar />
              <ProductGrid />
            </>
          )}
          <footer className="shortcuts muted" aria-hidden="true">
            <span>
              <kbd>F2</kbd> {t('shortcuts.search')}
            </span>
            <span>
              <kbd>↑</kbd>
              <kbd>↓</kbd> <kbd>Enter</kbd> {t('shortcuts.add')}
            </span>
            <span>
              <kbd>F12</kbd> {t('shortcuts.pay')}
            </span>
            <span>{t('shortcuts.scan')}</span>
          </footer>
        </section>
      </main>
      <WeightDialog onDone={() => setTimeout(focusSearch, 0)} />
      {paymentOpen && cart && <PaymentDialog onCompleted={completed} />}
      {receiptOpen && <ReceiptDialog onNewSale={() => setTimeout(focusSearch, 0)} />}
      {recentOpen && (
        <RecentSales
          onClose={() => setRecentOpen(false)}
          onOpen={(id) => {
            setRecentOpen(false);
            void showReceiptById(id);
          }}
        />
      )}
    </div>
  );
}
