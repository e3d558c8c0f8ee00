import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerGroup } from '../../../shared/api/price-lists';
import type { ApiError } from '../../../shared/errors';
import { roleRank } from '../../../shared/api/define';
import { localizedName } from '../../../shared/names';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { useApp } from '../../stores/app';
import { customerGroupsData } from '../../data/price-lists';
import { customersData } from '../../data/customers';
import { Field } from '../../components/Field';

/** The customer's group on the customer's page: a manager chooses it, a clerk sees it. */
export function CustomerGroupField({
  customerId,
  groupId,
  onChanged,
}: {
  customerId: string;
  groupId: string | null;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const role = useApp((s) => s.session?.staff?.role ?? null);
  const [groups, setGroups] = useState<CustomerGroup[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void customerGroupsData.list({}).then((r) => live && r.ok && setGroups(r.value));
    return () => {
      live = false;
    };
  }, []);
  const name = (g: CustomerGroup) => localizedName(g.name, g.nameZh, i18n.language).primary;
  const manager = !!role && roleRank(role) >= roleRank('manager');
  const set = async (value: string) => {
    const r = await customersData.setGroup({ customerId, groupId: value || null });
    if (!r.ok) return setError(r.error);
    setError(null);
    onChanged();
  };
  if (!manager) {
    const g = groups.find((x) => x.id === groupId);
    return (
      <p className="muted" data-testid="customer-group">
        {t('priceLists.customerGroup')}: {g ? name(g) : t('priceLists.noGroup')}
      </p>
    );
  }
  return (
    <Field label={t('priceLists.customerGroup')}>
      <select value={groupId ?? ''} onChange={(e) => void set(e.target.value)} data-testid="customer-group">
        <option value="">{t('priceLists.noGroup')}</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {name(g)}
          </option>
        ))}
      </select>
      <InlineError text={error ? describeError(t, error) : null} />
    </Field>
  );
}
