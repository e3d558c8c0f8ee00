/**
 * Pictures in and out: a till uploads a product's picture (a device request, `PUT
 * /v1/pictures/<product id>`), and the shop serves it at `<shop>/pictures/<product id>/<name>/<thumb|full>`.
 * The name in the URL is the picture's version: a new picture has a new URL, so an answer may be
 * cached for a year and never revalidated.
 */
import type { Hono } from 'hono';
import { PICTURE_NAME, idShape } from '../../../shared/sync/shapes';
import { CloudHttpError, type CloudDeps } from '../../deps';
import { boundBodies } from '../../guards';
import type { AuthDevice } from '../../tenancy';
import type { ShopEnv } from '../web/env';
import { MAX_UPLOAD_BODY, PICTURE_SIZES, pictureUploadSchema, readPicture, storePicture, type PictureSizeName } from './pictures';

/** The device endpoint, on the cloud's authenticated API. */
export function registerPictureUploads(authed: Hono<{ Variables: { device: AuthDevice } }>, deps: CloudDeps): void {
  authed.put('/pictures/:product', boundBodies(MAX_UPLOAD_BODY), async (c) => {
    // Whatever Content-Type was declared, the body is read as JSON and the pictures by their bytes.
    let parsed: unknown;
    try {
      parsed = JSON.parse(await c.req.text()) as unknown;
    } catch {
      throw new CloudHttpError(400, 'VALIDATION', 'Body is not JSON');
    }
    const upload = pictureUploadSchema.safeParse(parsed);
    if (!upload.success)
      throw new CloudHttpError(400, 'VALIDATION', upload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return c.json(await storePicture(deps, c.get('device'), c.req.param('product'), upload.data));
  });
}

/** The validator a browser sent back, when it is one this shop could have made. */
function sentEtag(header: string | undefined): string | null {
  if (!header) return null;
  const m = /"([A-Za-z0-9_-]{32})"/.exec(header);
  return m ? m[1]! : null;
}

/**
 * The shop's picture route. Registered before the CSRF cookie and the buyer's session: a picture
 * answer carries no cookie (a shared cache may keep it) and needs no session lookup.
 */
export function registerPictureRoutes(shop: Hono<ShopEnv>, deps: CloudDeps): void {
  shop.get('/pictures/:product/:name/:size', async (c) => {
    const id = idShape.safeParse(c.req.param('product'));
    const name = c.req.param('name');
    const size = c.req.param('size') as PictureSizeName;
    if (!id.success || !PICTURE_NAME.test(name) || !PICTURE_SIZES.includes(size))
      throw new CloudHttpError(404, 'NOT_FOUND', 'No such picture');
    const sent = sentEtag(c.req.header('if-none-match'));
    const pic = await readPicture(deps.db, c.get('store').orgId, { productId: id.data, name, size, ifNoneMatch: sent });
    if (!pic) throw new CloudHttpError(404, 'NOT_FOUND', 'No such picture');
    const headers = {
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${pic.etag}"`,
      'X-Content-Type-Options': 'nosniff',
      // Opened on its own, the answer can run nothing and load nothing, whatever a browser makes of it.
      'Content-Security-Policy': "default-src 'none'; sandbox",
    };
    if (pic.bytes === null) return c.body(null, 304, headers);
    return c.body(new Uint8Array(pic.bytes), 200, {
      ...headers,
      'Content-Type': pic.type,
      'Content-Length': String(pic.bytes.byteLength),
    });
  });
}
