import type { shippingContract } from '../../shared/api/shipping';
import { staffOf, type HandlersFor } from '../router';
import { recordAudit } from '../audit/audit';
import { carrierInfo } from './carriers';
import {
  cancelShipment,
  createShipment,
  getShipment,
  listShipments,
  packingSlip,
  refreshShipment,
  setShipmentStatus,
  shipmentLabel,
  shipQueue,
} from './shipments';
import { UNSTAMPED } from '../db/write-path';

/** Shipments of ship-later orders, and the carriers' settings. */
export const shippingHandlers: HandlersFor<typeof shippingContract> = {
  'shipping.carriers': (_i, { deps }) => carrierInfo(deps),
  'shipping.setCarrierApi': (input, ctx) => {
    const { deps } = ctx;
    if (input.config === null) deps.sqlite.prepare("DELETE FROM settings WHERE key = 'carrierApi'").run();
    else
      deps.sqlite
        .prepare(
          "INSERT INTO settings (key, value, hlc) VALUES ('carrierApi', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .run(JSON.stringify(input.config), UNSTAMPED);
    // The API key stays on this terminal: the setting is local (never synced) and the audit names the carrier only.
    recordAudit(deps, {
      staffId: staffOf(ctx).id,
      action: 'carrier.config',
      details: input.config ? { name: input.config.name, baseUrl: input.config.baseUrl } : null,
      success: true,
    });
    return carrierInfo(deps);
  },
  'shipping.queue': (input, { deps }) => shipQueue(deps, input.limit),
  'shipping.list': (input, { deps }) => listShipments(deps, input),
  'shipping.get': (input, { deps }) => getShipment(deps, input.id),
  'shipping.create': (input, ctx) => createShipment(ctx.deps, staffOf(ctx), input),
  'shipping.label': (input, { deps }) => shipmentLabel(deps, input.id, input.format),
  'shipping.packingSlip': (input, { deps }) => packingSlip(deps, input.id),
  'shipping.setStatus': (input, ctx) => setShipmentStatus(ctx.deps, staffOf(ctx), input),
  'shipping.refresh': (input, { deps }) => refreshShipment(deps, input.id),
  'shipping.cancel': (input, ctx) => cancelShipment(ctx.deps, staffOf(ctx), input.id),
};
