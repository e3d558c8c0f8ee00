import { localizedName } from '../../shared/names';

/**
 * Named things (categories and other short lists) in the order a reader of `language` expects:
 * by the name the screen shows, with that language's collation. Chinese sorts by pinyin (苹果
 * before 香蕉), where code point order would look random.
 */
export function sortByShownName<T extends { name: string; altName?: string | null }>(items: readonly T[], language: string): T[] {
  const collator = new Intl.Collator(language.toLowerCase().startsWith('zh') ? 'zh-CN' : language, { numeric: true, sensitivity: 'base' });
  const shown = new Map(items.map((i) => [i, localizedName(i.name, i.altName, language).primary]));
  return [...items].sort((a, b) => collator.compare(shown.get(a)!, shown.get(b)!));
}
