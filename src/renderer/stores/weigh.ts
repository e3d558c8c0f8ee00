import { create } from 'zustand';
import type { CartLine, ProductHit } from '../../shared/api';
import { isWeighed, type Unit } from '../../shared/units';
import { useCart } from './cart';

/** A weighed item being added (by search or tap) or a weighed line being re-weighed. */
export type WeighTarget =
  | { mode: 'add'; productId: string; name: string; altName: string | null; price: number; unit: Unit }
  | { mode: 'edit'; lineId: string; name: string; altName: string | null; price: number; qty: number; unit: Unit };

interface WeighState {
  target: WeighTarget | null;
  ask(target: WeighTarget): void;
  close(): void;
}

export const useWeigh = create<WeighState>((set) => ({
  target: null,
  ask: (target) => set({ target }),
  close: () => set({ target: null }),
}));

/**
 * Adds a product found by search or tapped on the grid. A weighed item asks for its weight first:
 * only a scale barcode carries one, and 1.000 kg is never the right guess.
 */
export function addHit(hit: Pick<ProductHit, 'id' | 'unit' | 'name' | 'altName' | 'price'>): Promise<boolean> {
  if (isWeighed(hit.unit)) {
    useWeigh.getState().ask({ mode: 'add', productId: hit.id, name: hit.name, altName: hit.altName, price: hit.price, unit: hit.unit });
    return Promise.resolve(false);
  }
  return useCart.getState().addProduct(hit.id);
}

export function reweigh(line: CartLine): void {
  useWeigh.getState().ask({
    mode: 'edit',
    lineId: line.id,
    name: line.name,
    altName: line.altName,
    price: line.unitPrice,
    qty: line.qty,
    unit: line.unit,
  });
}
