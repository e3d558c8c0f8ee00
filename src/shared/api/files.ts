import { z } from 'zod';
import { channel } from './define';

export const filesContract = {
  /**
   * The desktop window refuses downloads (hardened session): a PDF, CSV or ZPL label the user
   * asked for is saved by main into the data folder's exports/ instead, and the path is shown. A
   * clerk saves shift reports, packing slips and labels, so a clerk may call it.
   */
  'files.save': channel<{ path: string }>()({
    input: z
      .object({
        fileName: z.string().regex(/^[\w\-. ]{1,100}\.(pdf|csv|zpl)$/, 'a plain .pdf, .csv or .zpl file name'),
        base64: z
          .string()
          .max(300_000_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
    role: 'clerk',
    writes: false,
  }),
};
