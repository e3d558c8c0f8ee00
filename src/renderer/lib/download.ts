import { toCsv as sharedCsv, type CsvValue } from '../../shared/csv';

/** Saves bytes as a file through the browser's download (works in Electron and the host). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** CSV with a UTF-8 byte-order mark so spreadsheet programs read Chinese names correctly. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return sharedCsv(header, rows, { bom: true });
}

export function downloadCsv(filename: string, header: string[], rows: CsvValue[][]): void {
  downloadBlob(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }), filename);
}
