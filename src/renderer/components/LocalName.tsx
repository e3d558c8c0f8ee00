import { useTranslation } from 'react-i18next';
import { localizedName } from '../lib/names';

/**
 * A product's or category's name in the screen's language, with the other name as a small muted
 * line beneath it (or only as a tooltip where the row has room for one line: `oneLine`).
 */
export function LocalName({ name, altName, oneLine = false }: { name: string; altName: string | null | undefined; oneLine?: boolean }) {
  const { i18n } = useTranslation();
  const n = localizedName(name, altName, i18n.language);
  if (oneLine || !n.secondary)
    return (
      <span className="ellipsis" title={n.secondary ?? undefined}>
        {n.primary}
      </span>
    );
  return (
    <span className="vname">
      <span className="ellipsis">{n.primary}</span>
      <small className="muted ellipsis">{n.secondary}</small>
    </span>
  );
}
