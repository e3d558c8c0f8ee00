import { z } from 'zod';
import { channel } from './define';

export const filesContract = {
  /**
   * The desktop window refuses downloads (hardened session): a PDF or CSV the user asked for is
   * saved by main into the data folder's exports/ instead, and the path is shown.
   */
  'files.save': channel<{ path: string }>()({
    input: z
      .object({
        fileName: z.string().regex(/^[\w\-. ]{1,100}\.(pdf|csv)$/, 'a plain .pdf or .csv file name'),
        base64: z
          .string()
          .max(300_000_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
    role: 'manager',
    writes: false,
  }),
};
