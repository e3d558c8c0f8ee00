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
    language: '中文',
    csrf: 'This form has expired. Reload the page and try again.',
    tooLarge: 'What you sent is too large.',
    tooMany: 'Too many attempts. Please wait a moment and try again.',
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
    language: 'English',
    csrf: '表单已过期，请刷新页面后重试。',
    tooLarge: '提交的内容过大。',
    tooMany: '尝试次数过多，请稍后再试。',
  },
);
