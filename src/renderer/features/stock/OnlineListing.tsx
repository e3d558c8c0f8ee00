import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ONLINE_DESCRIPTION_MAX, type OnlineListing } from '../../../shared/api/catalog';
import type { Product } from '../../../shared/api';
import { formatQty, parseQty } from '../../../shared/money';
import { Field } from '../../components/Field';
import { catalogData } from '../../data/catalog';
import { validationIssues } from '../../lib/errors';
import { useFormat } from '../../lib/format';
import { useNotify } from '../../stores/notify';

/** The product's online listing (managers only: main refuses a clerk both channels). */
export function OnlineListingForm({ product }: { product: Product }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const notify = useNotify();
  const [listing, setListing] = useState<OnlineListing | null>(null);
  const [soldOnline, setSoldOnline] = useState(false);
  const [description, setDescription] = useState('');
  const [own, setOwn] = useState(false);
  const [buffer, setBuffer] = useState('');
  const [storeBuffer, setStoreBuffer] = useState('');
  const [errors, setErrors] = useState<{ description?: string; buffer?: string; storeBuffer?: string }>({});
  const unit = product.unit;

  useEffect(() => {
    void catalogData.onlineListing({ productId: product.id }).then((r) => {
      if (!r.ok) return notify.error(r.error);
      setListing(r.value);
      setSoldOnline(r.value.soldOnline);
      setDescription(r.value.description);
      setOwn(r.value.safetyBuffer !== null);
      setBuffer(r.value.safetyBuffer === null ? '' : formatQty(r.value.safetyBuffer, unit, 'en'));
      setStoreBuffer(formatQty(r.value.storeSafetyBuffer, 'each', 'en'));
    });
  }, [product.id, unit, notify]);

  if (!listing) return <div className="spinner" />;
  const tooLong = description.length > ONLINE_DESCRIPTION_MAX;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const next: typeof errors = {};
    if (tooLong) next.description = t('online.descriptionTooLong', { max: ONLINE_DESCRIPTION_MAX, count: description.length });
    const qty = own ? parseQty(buffer, unit) : null;
    if (own && qty === null) next.buffer = t('online.badQty');
    setErrors(next);
    if (next.description || next.buffer) return;
    const r = await catalogData.setOnlineListing({ productId: product.id, soldOnline, description, safetyBuffer: qty });
    if (!r.ok) {
      const issues = validationIssues(r.error, undefined, t);
      const about = (field: string) => issues.find((i) => i.path === field)?.message;
      if (issues.length > 0) return setErrors({ description: about('description'), buffer: about('safetyBuffer') });
      return notify.error(r.error);
    }
    setListing(r.value);
    notify.message('info', 'online.saved');
  };

  const saveStoreBuffer = async () => {
    const qty = parseQty(storeBuffer, 'each');
    if (qty === null) return setErrors({ ...errors, storeBuffer: t('online.badQty') });
    setErrors({ ...errors, storeBuffer: undefined });
    const r = await catalogData.setOnlineSafetyBuffer({ qty });
    if (!r.ok) return notify.error(r.error);
    setListing({ ...listing, storeSafetyBuffer: r.value.storeSafetyBuffer });
    notify.message('info', 'online.storeBufferSaved');
  };

  return (
    <div className="editor-details" data-testid="online-listing">
      <form className="form" onSubmit={(e) => void save(e)}>
        <label className="check">
          <input type="checkbox" checked={soldOnline} onChange={(e) => setSoldOnline(e.target.checked)} data-testid="online-sold" />{' '}
          {t('online.soldOnline')}
        </label>
        <p className="muted">{t('online.soldOnlineHint')}</p>
        <Field
          label={t('online.description')}
          hint={tooLong ? undefined : t('online.descriptionHint', { count: ONLINE_DESCRIPTION_MAX - description.length })}
          error={
            errors.description ??
            (tooLong ? t('online.descriptionTooLong', { max: ONLINE_DESCRIPTION_MAX, count: description.length }) : undefined)
          }
          testId="online-description-field"
        >
          <textarea rows={6} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="online-description" />
        </Field>
        <fieldset>
          <legend>{t('online.buffer')}</legend>
          <label className="check">
            <input type="radio" name="buffer" checked={!own} onChange={() => setOwn(false)} />{' '}
            {t('online.useStoreBuffer', { qty: fmt.qtyUnit(listing.storeSafetyBuffer, unit) })}
          </label>
          <label className="check">
            <input type="radio" name="buffer" checked={own} onChange={() => setOwn(true)} data-testid="online-own-buffer" />{' '}
            {t('online.ownBuffer')}
          </label>
          {own && (
            <Field label={t('online.ownBuffer')} hint={t('online.bufferHint')} error={errors.buffer}>
              <input
                className="qty-field"
                inputMode="decimal"
                value={buffer}
                onChange={(e) => setBuffer(e.target.value)}
                data-testid="online-buffer"
              />
            </Field>
          )}
        </fieldset>
        <button type="submit" className="btn btn-primary" data-testid="online-save">
          {t('online.save')}
        </button>
      </form>
      <aside className="editor-side">
        <Field label={t('online.storeBuffer')} hint={t('online.storeBufferHint')} error={errors.storeBuffer}>
          <input
            className="qty-field"
            inputMode="numeric"
            value={storeBuffer}
            onChange={(e) => setStoreBuffer(e.target.value)}
            data-testid="online-store-buffer"
          />
        </Field>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => void saveStoreBuffer()}
          data-testid="online-store-buffer-save"
        >
          {t('online.saveStoreBuffer')}
        </button>
      </aside>
    </div>
  );
}
