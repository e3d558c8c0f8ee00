const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Products and categories carry a name and an optional second-language name. Show the one that
 * matches the UI language first (a Chinese screen leads with the Chinese name), the other small.
 */
export function localizedName(
  name: string,
  altName: string | null | undefined,
  language: string,
): { primary: string; secondary: string | null } {
  if (!altName) return { primary: name, secondary: null };
  const wantCjk = language.toLowerCase().startsWith('zh');
  const nameCjk = CJK.test(name);
  const altCjk = CJK.test(altName);
  if (wantCjk && !nameCjk && altCjk) return { primary: altName, secondary: name };
  if (!wantCjk && nameCjk && !altCjk) return { primary: altName, secondary: name };
  return { primary: name, secondary: altName };
}
