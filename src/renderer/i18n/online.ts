import { defineMessages, type Translation } from './define';

/** The online shop at the till: a product's listing, the store's safety buffer. */
const en = {
  tab: 'Online',
  soldOnline: 'Sell in the online shop',
  soldOnlineHint: 'Buyers see this product in the shop once it is listed and has stock.',
  description: 'Online description',
  descriptionHint: 'Shown on the product’s page in the shop. Plain text; {{count}} characters left.',
  descriptionTooLong: 'The online description may be at most {{max}} characters (it has {{count}}).',
  buffer: 'Units kept back from the web',
  useStoreBuffer: 'Use the store’s buffer ({{qty}})',
  ownBuffer: 'Keep back for this product',
  bufferHint: 'The shop sells what is in stock less these units, so the counter keeps some.',
  badQty: 'Enter a quantity of 0 or more.',
  save: 'Save listing',
  saved: 'Listing saved',
  storeBuffer: 'Store’s safety buffer',
  storeBufferHint: 'Kept back for every product sold online that has no buffer of its own.',
  saveStoreBuffer: 'Save store buffer',
  storeBufferSaved: 'Store buffer saved',
};

const zhCN: Translation<typeof en> = {
  tab: '网店',
  soldOnline: '在网店销售',
  soldOnlineHint: '上架且有库存后，顾客即可在网店看到此商品。',
  description: '网店商品描述',
  descriptionHint: '显示在网店的商品页上，纯文本；还可输入 {{count}} 个字符。',
  descriptionTooLong: '网店描述最多 {{max}} 个字符（现有 {{count}} 个）。',
  buffer: '为门店保留的数量',
  useStoreBuffer: '使用门店的保留数量（{{qty}}）',
  ownBuffer: '此商品单独保留',
  bufferHint: '网店可售数量 = 库存减去保留数量，以便门店柜台留有库存。',
  badQty: '请输入 0 或以上的数量。',
  save: '保存上架设置',
  saved: '上架设置已保存',
  storeBuffer: '门店保留数量',
  storeBufferHint: '对每个未单独设置保留数量的网店商品生效。',
  saveStoreBuffer: '保存门店保留数量',
  storeBufferSaved: '门店保留数量已保存',
};

export const onlineMessages = defineMessages('online', en, zhCN);
