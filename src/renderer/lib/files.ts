import { invoke, isElectron } from '../api';
import { useNotify } from '../stores/notify';

/**
 * Files the user takes away (PDF, CSV) and pictures scaled on a canvas before upload. In a browser
 * (the host) a file is downloaded; the desktop window refuses downloads, so main saves it in the
 * data folder's exports/ and the path is shown.
 */

async function saveInDataFolder(name: string, blob: Blob): Promise<void> {
  const r = await invoke('files.save', { fileName: name, base64: await blobToBase64(blob) });
  if (r.ok) useNotify.getState().message('info', 'inv.common.savedTo', { path: r.value.path });
  else useNotify.getState().error(r.error);
}

function save(name: string, blob: Blob): void {
  if (isElectron()) {
    void saveInDataFolder(name, blob);
    return;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function saveBase64(name: string, base64: string, type: string): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  save(name, new Blob([bytes], { type }));
}

export function saveText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A BOM so spreadsheet programs read UTF-8 (Chinese names) correctly.
  save(name, new Blob(['\uFEFF', text], { type }));
}

async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The picture scaled to fit `max` pixels, as JPEG base64 (main stores bytes; it has no image library). */
export async function scaledJpeg(file: Blob, max: number, quality: number): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) throw new Error('could not encode the picture');
  return blobToBase64(blob);
}
