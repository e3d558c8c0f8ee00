/** The Chinese words of a namespace have exactly the keys of its English words (checked by this type). */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };

/** One namespace of words in both languages: t('<ns>.…'). */
export interface NamespaceMessages {
  ns: string;
  en: Record<string, unknown>;
  zhCN: Record<string, unknown>;
}

/**
 * The one way to declare words: a namespace with its English and Chinese side by side, listed in
 * ./messages.ts. The Chinese must have the same keys as the English.
 */
export function defineMessages<T extends Record<string, unknown>>(ns: string, en: T, zhCN: Translation<NoInfer<T>>): NamespaceMessages {
  return { ns, en, zhCN: zhCN as Record<string, unknown> };
}
