import { useCallback, useEffect, useState } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { Shipment, ShipmentStatus } from '../../../shared/api';
import { COUNTRIES } from '../../../shared/address';
import type { ApiError } from '../../../shared/errors';
import { Barcode } from '../../components/Barcode';
import { InlineError } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { useFormat } from '../../lib/format';
import { useApp } from '../../stores/app';
import { useNotify } from '../../stores/notify';
import { describeAfterError } from '../aftersale/errors';
import { saveBase64 } from '../../lib/save-file';
import { shippingData } from '../../data/shipping';
import { useConfirm } from '../../components/Confirm';

const NEXT: Record<ShipmentStatus, Exclude<ShipmentStatus, 'cancelled' | 'label_created'>[]> = {
  label_created: ['handed_over', 'in_transit', 'delivered', 'exception'],
  handed_over: ['in_transit', 'delivered', 'exception', 'returned'],
  in_transit: ['delivered', 'exception', 'returned'],
  exception: ['in_transit', 'delivered', 'returned'],
  delivered: [],
  returned: [],
  cancelled: [],
};

export function ShipmentDetail({ id, onChanged }: { id: string; onChanged(): void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const manager = role === 'manager' || role === 'admin';
  const [s, setS] = useState<Shipment | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [label, setLabel] = useState(false);
  const [busy, setBusy] = useState(false);
  const ask = useConfirm();

  const load = useCallback(async () => {
    const r = await shippingData.get({ id });
    if (r.ok) setS(r.value);
    else setError(r.error);
  }, [id]);
  useEffect(() => {
    void load(); // eslint-disable-line react-hooks/set-state-in-effect -- load awaits the answer before setting state
  }, [load]);

  const act = async (p: Promise<{ ok: true; value: Shipment } | { ok: false; error: ApiError }>) => {
    setBusy(true);
    const r = await p;
    setBusy(false);
    if (r.ok) {
      setS(r.value);
      setError(null);
      onChanged();
    } else setError(r.error);
  };
  if (!s) return error ? <InlineError text={describeAfterError(t, error)} /> : <p className="muted">{t('common.loading')}</p>;
  const a = s.address;

  return (
    <div className="shipment-detail" data-testid="shipment-detail">
      <header className="order-head">
        <div>
          <h2>{s.number}</h2>
          <p className="muted">
            {t('after.ship.forOrder', { number: s.orderNumber })} · {s.carrier === 'own' ? t('after.ship.ownCourier') : s.carrier} ·{' '}
            {t(`after.ship.svc.${s.service}`, { defaultValue: s.service })}
          </p>
        </div>
        <span className={`badge status-${s.status}`} data-testid="shipment-status">
          {t(`after.status.${s.status}`)}
        </span>
      </header>
      <div className="facts-row">
        <div className="fact">
          <span>{t('after.ship.tracking')}</span>
          <strong data-testid="tracking-number">{s.trackingNumber}</strong>
        </div>
        {s.eta && (
          <div className="fact">
            <span>{t('after.ship.eta')}</span>
            <strong>{fmt.dateTime(s.eta)}</strong>
          </div>
        )}
        <div className="fact">
          <span>{t('after.ship.parcel')}</span>
          <strong>
            {(s.weightG / 1000).toFixed(2)} kg · {s.lengthMm / 10}×{s.widthMm / 10}×{s.heightMm / 10} cm
          </strong>
        </div>
      </div>
      <address className="ship-address">
        {[
          a.name,
          a.company,
          a.line1,
          a.line2,
          [a.city, a.region, a.postalCode].filter(Boolean).join(' '),
          COUNTRIES[a.country]?.name ?? a.country,
          a.phone,
        ]
          .filter(Boolean)
          .map((l, i) => (
            <div key={i}>{l}</div>
          ))}
      </address>
      <div className="order-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={s.status === 'cancelled'}
          onClick={() => setLabel(true)}
          data-testid="open-label"
        >
          {t('after.ship.label')}
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={s.status === 'cancelled'}
          onClick={async () => {
            const r = await shippingData.packingSlip({ id });
            if (r.ok) saveBase64(`packing-slip-${s.number}.pdf`, r.value.base64, 'application/pdf');
            else setError(r.error);
          }}
          data-testid="packing-slip"
        >
          {t('after.ship.packingSlip')}
        </button>
        {s.carrier !== 'own' && s.status !== 'cancelled' && (
          <button
            type="button"
            className="btn btn-secondary"
            disabled={busy}
            onClick={() => void act(shippingData.refresh({ id }))}
            data-testid="tracking-refresh"
          >
            {t('after.ship.refresh')}
          </button>
        )}
        {manager && s.status === 'label_created' && (
          <button
            type="button"
            className="btn btn-ghost btn-danger"
            disabled={busy}
            onClick={() =>
              void ask.confirm(t('after.ship.cancelConfirm')).then((yes) => {
                if (yes) void act(shippingData.cancel({ id }));
              })
            }
            data-testid="shipment-cancel"
          >
            {t('after.ship.cancel')}
          </button>
        )}
      </div>
      {manager && NEXT[s.status].length > 0 && (
        <div className="order-actions">
          <span className="muted">{t('after.ship.mark')}</span>
          {NEXT[s.status].map((st) => (
            <button
              key={st}
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={busy}
              onClick={() => void act(shippingData.setStatus({ id, status: st }))}
              data-testid={`mark-${st}`}
            >
              {t(`after.status.${st}`)}
            </button>
          ))}
        </div>
      )}
      <InlineError text={error ? describeAfterError(t, error) : null} testId="shipment-error" />
      <h3 className="section-title">{t('after.ship.items')}</h3>
      <ul className="plain-list">
        {s.lines.map((l) => (
          <li key={l.orderLineId}>
            {l.qty / 1000} × {l.name} <small className="muted">{l.sku}</small>
          </li>
        ))}
      </ul>
      <h3 className="section-title">{t('after.ship.timeline')}</h3>
      <ol className="timeline" data-testid="timeline">
        {s.events.map((e) => (
          <li key={e.id} className={`timeline-item status-${e.status}`}>
            <strong>{t(`after.status.${e.status}`)}</strong> <span className="muted">{fmt.dateTime(e.at)}</span>
            {(e.description || e.location) && <div className="muted">{[e.description, e.location].filter(Boolean).join(' · ')}</div>}
          </li>
        ))}
      </ol>
      {label && <LabelDialog shipment={s} onClose={() => setLabel(false)} />}
      {ask.dialog}
    </div>
  );
}

/** The label as it prints (4×6 inches), with the PDF and ZPL for other printers. */
function LabelDialog({ shipment: s, onClose }: { shipment: Shipment; onClose(): void }) {
  const { t } = useTranslation();
  const storeName = useApp((st) => st.settings?.storeName ?? '');
  const [printing, setPrinting] = useState(false);
  const [pdfBytes, setPdfBytes] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const printRoot = document.getElementById('print-root');
  const print = () => {
    flushSync(() => setPrinting(true));
    window.print();
    setPrinting(false);
    useNotify.getState().message('info', 'after.ship.labelPrinted', { tracking: s.trackingNumber });
  };
  const get = async (format: 'pdf' | 'zpl') => {
    const r = await shippingData.label({ id: s.id, format });
    if (!r.ok) return setError(r.error);
    const n = saveBase64(`label-${s.trackingNumber}.${format}`, r.value.base64, format === 'pdf' ? 'application/pdf' : 'application/x-zpl');
    if (format === 'pdf') setPdfBytes(n);
  };
  const paper = <LabelPaper shipment={s} storeName={storeName} />;
  return (
    <Modal
      title={t('after.ship.labelTitle', { tracking: s.trackingNumber })}
      onClose={onClose}
      size="lg"
      testId="label-dialog"
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={() => void get('zpl')} data-testid="label-zpl">
            {t('after.ship.zpl')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={() => void get('pdf')} data-testid="label-pdf">
            {t('after.ship.pdf')}
          </button>
          <button type="button" className="btn btn-primary btn-lg" onClick={print} data-testid="label-print">
            {t('after.ship.print')}
          </button>
        </>
      }
    >
      <div className="label-preview">{paper}</div>
      {pdfBytes !== null && (
        <p className="muted" data-testid="label-pdf-size">
          {t('after.ship.pdfSaved', { kb: Math.max(1, Math.round(pdfBytes / 1024)) })}
        </p>
      )}
      <InlineError text={error ? describeAfterError(t, error) : null} />
      {printing && printRoot && createPortal(<div className="label-print">{paper}</div>, printRoot)}
    </Modal>
  );
}

function LabelPaper({ shipment: s, storeName }: { shipment: Shipment; storeName: string }) {
  const { t } = useTranslation();
  const a = s.address;
  return (
    <div className="label-paper" data-testid="label-paper">
      <div className="label-carrier">
        <strong>{s.carrier === 'own' ? t('after.ship.ownCourier') : s.carrier}</strong>
        <span>{t(`after.ship.svc.${s.service}`, { defaultValue: s.service })}</span>
      </div>
      <div className="label-from">
        <small>FROM</small> {storeName}
      </div>
      <div className="label-to">
        <small>SHIP TO</small>
        <strong>{a.name}</strong>
        {[a.company, a.line1, a.line2, [a.city, a.region, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).map((l, i) => (
          <div key={i}>{l}</div>
        ))}
        <strong>{(COUNTRIES[a.country]?.name ?? a.country).toUpperCase()}</strong>
      </div>
      <div className="label-facts">
        <span>{(s.weightG / 1000).toFixed(3)} kg</span>
        <span>{s.orderNumber}</span>
        <span>{s.number}</span>
      </div>
      <div className="label-barcode">
        <Barcode text={s.trackingNumber} label={s.trackingNumber} height={18} testId="label-barcode" />
      </div>
    </div>
  );
}
