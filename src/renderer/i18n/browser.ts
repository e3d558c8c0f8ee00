import type { Language } from '../../shared/api';

/** The first of the browser's preferred languages that we speak (a zh-CN browser gets Chinese), else English. */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}
