import { defineShopWords } from './lang';

/** The words of the shop's frame (header, footer, error pages). */
export const frameWords = defineShopWords(
  {
    search: 'Search',
    searchPlaceholder: 'Search products',
    cart: 'Cart',
    account: 'Account',
    signIn: 'Sign in',
    home: 'Home',
    notFound: 'This page does not exist.',
    failed: 'Something went wrong. Please try again.',
    back: 'Back to the shop',
    crossSite: 'This form was sent from another site, so it was refused.',
    formExpired: 'This form has expired: reload the page and try again.',
    language: '中文',
  },
  {
    search: '搜索',
    searchPlaceholder: '搜索商品',
    cart: '购物车',
    account: '我的账户',
    signIn: '登录',
    home: '首页',
    notFound: '页面不存在。',
    failed: '出错了，请重试。',
    back: '返回商店',
    crossSite: '此表单来自其他网站，已被拒绝。',
    formExpired: '表单已过期，请刷新页面后重试。',
    language: 'English',
  },
);
