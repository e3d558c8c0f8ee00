import { defineShopWords } from '../web/lang';

/** Pictures: what a product without one shows. */
export const pictureWords = defineShopWords(
  {
    noPicture: 'No picture yet',
  },
  {
    noPicture: '暂无图片',
  },
);
