import { toCsv as sharedCsv, type CsvValue } from '../../shared/csv';
import { invoke, isElectron } from '../api';
import { useNotify } from '../stores/notify';

/**
 * The one way to save a file the user takes away (PDF, CSV, label). In a browser (the host) the file
 * is downloaded; the desktop window refuses downloads, so main saves it in the data folder's
 * exports/ and the path is shown.
 */
export function saveFile(name: string, blob: Blob): void {
  if (isElectron()) {
    void saveInDataFolder(name, blob);
    return;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * The name main accepts for a saved file: letters, digits, `-`, `_`, `.` and spaces, at most 100
 * before the extension. Anything else (a carrier's tracking number with a slash, a Chinese name)
 * becomes `-`, so a file is never refused for its name alone.
 */
export function plainFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  const stem = (dot > 0 ? name.slice(0, dot) : name).replace(/[^\w\-. ]+/g, '-').slice(0, 100 - ext.length);
  return `${stem || 'file'}${ext}`;
}

async function saveInDataFolder(name: string, blob: Blob): Promise<void> {
  const r = await invoke('files.save', { fileName: plainFileName(name), base64: await blobToBase64(blob) });
  if (r.ok) useNotify.getState().message('info', 'inv.common.savedTo', { path: r.value.path });
  else useNotify.getState().error(r.error);
}

/** Saves bytes main sent as base64; answers their length. */
export function saveBase64(name: string, base64: string, type: string): number {
  const bytes = base64ToBytes(base64);
  saveFile(name, new Blob([bytes], { type }));
  return bytes.length;
}

/** Saves CSV text main wrote, with a byte-order mark so spreadsheet programs read UTF-8 (Chinese names). */
export function saveText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  saveFile(name, new Blob(['\uFEFF', text], { type }));
}

/** CSV with a UTF-8 byte-order mark so spreadsheet programs read Chinese names correctly. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return sharedCsv(header, rows, { bom: true });
}

export function saveCsv(name: string, header: string[], rows: CsvValue[][]): void {
  saveFile(name, new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }));
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
