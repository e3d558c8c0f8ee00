import type { Language } from '../../shared/api';
import type { NamespaceMessages } from './define';
import { appMessages } from './app';
import { counterMessages } from './counter';
import { settingsMessages } from './settings';
import { aftersaleMessages } from './aftersale';
import { inventoryMessages } from './inventory';
import { auditMessages } from './audit';
import { dataMessages } from './data';
import { shiftsMessages } from './shifts';
import { dashboardMessages } from './dashboard';
import { syncMessages } from './sync';
import { historyMessages } from './history';
import { payMessages } from './pay';
import { promotionsMessages } from './promotions';
import { couponsMessages } from './coupons';
import { cardsMessages } from './cards';
import { priceListsMessages } from './price-lists';
import { onlineMessages } from './online';
import { onlineOrdersMessages } from './online-orders';
import { reviewsMessages } from './reviews';
import { invoicesMessages } from './invoices';

/** Every namespace of the renderer's words, each declared once with defineMessages. */
export const MESSAGES: readonly NamespaceMessages[] = [
  ...appMessages,
  ...counterMessages,
  ...settingsMessages,
  dataMessages,
  auditMessages,
  aftersaleMessages,
  shiftsMessages,
  dashboardMessages,
  inventoryMessages,
  syncMessages,
  historyMessages,
  payMessages,
  promotionsMessages,
  couponsMessages,
  cardsMessages,
  priceListsMessages,
  onlineMessages,
  onlineOrdersMessages,
  reviewsMessages,
  invoicesMessages,
];

/** One language's whole translation, as i18next takes it: { [ns]: words }. */
export function translation(lang: Language): Record<string, unknown> {
  return Object.fromEntries(MESSAGES.map((m) => [m.ns, lang === 'en' ? m.en : m.zhCN]));
}
