import { ORDER_NUMBER } from '../../../shared/api';
import { useAfter } from '../../stores/aftersale';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { ordersData } from '../../data/sales';

/**
 * A scanned code shaped like an order number (T1-000042, the receipt's Code128) opens that order
 * on the orders screen; when no order has that number it is treated as any other barcode.
 */
export async function scanOrderOr(code: string, otherwise: () => Promise<unknown>): Promise<void> {
  const upper = code.trim().toUpperCase();
  if (!ORDER_NUMBER.test(upper)) {
    await otherwise();
    return;
  }
  const r = await ordersData.lookup({ number: upper });
  if (r.ok) {
    useAfter.getState().openOrder(r.value.id);
    useApp.getState().go('orders');
    return;
  }
  if (r.error.code === 'NOT_FOUND') {
    await otherwise();
    return;
  }
  useNotify.getState().error(r.error);
}
