import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit } from '../../../shared/api';
import { useFormat } from '../../lib/format';
import { onlineOrdersData } from '../../data/online-orders';

/** A row of a product's stock table: the units unpaid web orders hold (shown whenever there are any). */
export function ReservedOnlineRow({ productId, unit, colSpan }: { productId: string; unit: Unit; colSpan: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [held, setHeld] = useState(0);
  useEffect(() => {
    let live = true;
    void onlineOrdersData.reserved({ productIds: [productId] }).then((r) => live && r.ok && setHeld(r.value[productId] ?? 0));
    return () => {
      live = false;
    };
  }, [productId]);
  if (held === 0) return null;
  return (
    <tr data-testid="reserved-online">
      <td title={t('online.reservedHint')}>{t('online.reserved')}</td>
      <td className="num">{fmt.qtyUnit(held, unit)}</td>
      <td colSpan={colSpan} className="muted">
        {t('online.reservedHint')}
      </td>
    </tr>
  );
}
