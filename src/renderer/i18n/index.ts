import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../shared/api';
import { translation } from './messages';
import { browserLanguage } from './browser';

export { browserLanguage };

export const LANGUAGES: { code: Language; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
];

const LOCAL_KEY = 'countertop.language';

export function isLanguage(v: unknown): v is Language {
  return v === 'en' || v === 'zh-CN';
}

/** A clerk's own choice on this terminal (kept locally); null means "follow the store". */
export function localLanguage(): Language | null {
  try {
    const v = localStorage.getItem(LOCAL_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

export function setLocalLanguage(lang: Language | null): void {
  try {
    if (lang === null) localStorage.removeItem(LOCAL_KEY);
    else localStorage.setItem(LOCAL_KEY, lang);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
}

function preferredLanguages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function initialLanguage(): Language {
  return localLanguage() ?? browserLanguage(preferredLanguages());
}

/** Before setup there is no store language yet, so the screen follows the browser. */
export function startLanguage(setupDone: boolean, storeLanguage: Language): Language {
  return localLanguage() ?? (setupDone ? storeLanguage : browserLanguage(preferredLanguages()));
}

void i18next.use(initReactI18next).init({
  resources: {
    en: { translation: translation('en') },
    'zh-CN': { translation: translation('zh-CN') },
  },
  lng: initialLanguage(),
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
});

export function applyLanguage(lang: Language): void {
  if (i18next.language !== lang) void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

document.documentElement.lang = i18next.language;

export default i18next;
