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

/**
 * Messages of later features, one file per feature (e.g. `./stock.ts` exporting
 * `{ en: {...}, zhCN: {...} }` with the zh-CN object typed like the en one), merged into the main
 * translation at start-up. Keeps each feature's strings next to each other and out of en.ts.
 */
export interface FeatureMessages {
  /** Top-level key of the feature's messages, e.g. 'stock' → t('stock.title'). */
  ns: string;
  en: Record<string, unknown>;
  zhCN: Record<string, unknown>;
}

export const FEATURE_MESSAGES: FeatureMessages[] = [
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
];
