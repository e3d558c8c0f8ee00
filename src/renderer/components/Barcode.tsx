import { useEffect, useState } from 'react';

interface BarcodeProps {
  text: string;
  /** Accessible description. */
  label: string;
  height?: number;
  testId?: string | undefined;
}

/** Drawn barcodes by text: a second copy (the printed one) appears at once, without waiting. */
const cache = new Map<string, string>();

function cacheKey(text: string, height: number): string {
  return `${height}:${text}`;
}

/** A Code128 barcode drawn by bwip-js as SVG (the library is loaded on first use; it is large). */
export function Barcode({ text, label, height = 12, testId }: BarcodeProps) {
  const key = cacheKey(text, height);
  const [drawn, setDrawn] = useState<{ key: string; svg: string } | null>(() => {
    const svg = cache.get(key);
    return svg ? { key, svg } : null;
  });
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (cache.has(key)) return;
    let live = true;
    import('bwip-js/browser')
      .then((bwip) => {
        const svg = bwip.toSVG({
          bcid: 'code128',
          text,
          scale: 2,
          height,
          includetext: true,
          textxalign: 'center',
          textsize: 10,
          paddingwidth: 4,
        });
        cache.set(key, svg);
        if (live) setDrawn({ key, svg });
      })
      .catch((e: unknown) => {
        console.error('barcode failed', e);
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, [key, text, height]);

  const svg = drawn?.key === key ? drawn.svg : cache.get(key);
  if (failed) return <div className="barcode-text">{text}</div>;
  if (!svg) return <div className="barcode-placeholder" aria-hidden="true" />;
  // bwip-js draws bars and digits as paths only; the markup holds no text from outside.
  return (
    <div
      className="barcode"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-value={text}
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
