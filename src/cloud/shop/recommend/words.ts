import { defineShopWords } from '../web/lang';

/** The recommendation sections' words (product page and cart). */
export const recommendWords = defineShopWords(
  {
    boughtTogether: 'Frequently bought together',
    alsoBought: 'Customers who bought this also bought',
    youMayLike: 'You may also like',
    withYourCart: 'Often bought with what is in your cart',
  },
  {
    boughtTogether: '经常一起购买',
    alsoBought: '买了此商品的顾客还买了',
    youMayLike: '猜你喜欢',
    withYourCart: '常与购物车中的商品一起购买',
  },
);
