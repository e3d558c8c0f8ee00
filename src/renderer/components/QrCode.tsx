import { useEffect, useState } from 'react';

/**
 * A QR code drawn by bwip-js as SVG (loaded on first use, like the receipt barcode). The SVG is
 * bwip-js's own output: paths only, no text from outside.
 */
export function QrCode({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [drawn, setDrawn] = useState<{ text: string; svg: string } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    import('bwip-js/browser')
      .then((bwip) => {
        const svg = bwip.toSVG({ bcid: 'qrcode', text, scale: 4, paddingwidth: 2, paddingheight: 2 });
        if (live) setDrawn({ text, svg });
      })
      .catch((e: unknown) => {
        console.error('qr code failed', e);
        if (live) setFailed(text);
      });
    return () => {
      live = false;
    };
  }, [text]);

  if (failed === text) return <div className="qr-text">{text}</div>;
  if (!drawn || drawn.text !== text) return <div className="qr-placeholder" aria-hidden="true" />;
  return (
    <div
      className="qr-code"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-value={text}
      dangerouslySetInnerHTML={{ __html: drawn.svg }}
    />
  );
}
