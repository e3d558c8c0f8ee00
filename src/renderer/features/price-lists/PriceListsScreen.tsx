import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerGroup, PriceList } from '../../../shared/api/price-lists';
import type { ProductHit } from '../../../shared/api/types';
import type { ApiError } from '../../../shared/errors';
import type { PriceListTarget } from '../../../shared/price-lists/resolve';
import { parseMoney, currencyDigits } from '../../../shared/money';
import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { minorToInput, useFormat } from '../../lib/format';
import { TopBar } from '../../components/TopBar';
import { Table } from '../../components/Table';
import { Field } from '../../components/Field';
import { localizedName } from '../../../shared/names';
import { customerGroupsData, priceListsData } from '../../data/price-lists';
import { syncData } from '../../data/sync';
import { catalogData } from '../../data/catalog';
import { useQuery } from '../../data/query';

const localName = (x: { name: string; nameZh: string | null }, language: string) => localizedName(x.name, x.nameZh, language).primary;

/**
 * Price lists for managers: customer groups (会员, 批发), the lists with who they are for, and each
 * list's prices (a product, its price, from which quantity). Main checks everything again.
 */
export function PriceListsScreen() {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const { data: groups, reload: reloadGroups } = useQuery(customerGroupsData.list, {}, { onError: setError });
  const { data: lists, reload: reloadLists } = useQuery(priceListsData.list, {}, { onError: setError });
  const storeId = useQuery(syncData.status, {}).data?.storeId ?? null;
  const reload = useCallback(async () => {
    await Promise.all([reloadGroups(), reloadLists()]);
  }, [reloadGroups, reloadLists]);

  const list = lists?.find((l) => l.id === selected) ?? null;

  return (
    <div className="settings-screen price-lists-screen" data-testid="price-lists-screen">
      <TopBar />
      <main className="settings-main">
        <h1>{t('priceLists.title')}</h1>
        <p className="muted">{t('priceLists.hint')}</p>
        <InlineError text={error ? describeError(t, error) : null} testId="price-lists-error" />
        <GroupsCard groups={groups} onChanged={reload} onError={setError} />
        <ListsCard
          lists={lists}
          groups={groups ?? []}
          storeId={storeId}
          selected={selected}
          onSelect={setSelected}
          onChanged={reload}
          onError={setError}
        />
        {list && <EntriesCard key={list.id} list={list} onChanged={reload} onError={setError} />}
      </main>
    </div>
  );
}

interface CardProps {
  onChanged: () => Promise<void>;
  onError: (e: ApiError | null) => void;
}

function GroupsCard({ groups, onChanged, onError }: CardProps & { groups: CustomerGroup[] | null }) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [nameZh, setNameZh] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await customerGroupsData.create({ name: name.trim(), nameZh: nameZh.trim() || null });
    if (!r.ok) return onError(r.error);
    onError(null);
    setName('');
    setNameZh('');
    await onChanged();
  };
  const remove = async (id: string) => {
    const r = await customerGroupsData.delete({ id });
    if (!r.ok) return onError(r.error);
    onError(null);
    await onChanged();
  };
  return (
    <section className="card settings-card" data-testid="customer-groups">
      <h2>{t('priceLists.groups')}</h2>
      <p className="muted">{t('priceLists.groupsHint')}</p>
      <Table
        rows={groups}
        rowKey={(g) => g.id}
        rowTestId="group-row"
        empty={t('priceLists.noGroups')}
        columns={[
          { key: 'name', cell: (g) => localName(g, i18n.language) },
          { key: 'members', className: 'muted', cell: (g) => t('priceLists.members', { count: g.customers }) },
          {
            key: 'actions',
            num: true,
            cell: (g) => (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void remove(g.id)}>
                {t('priceLists.deleteGroup')}
              </button>
            ),
          },
        ]}
      />
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <NameFields
          name={name}
          nameZh={nameZh}
          onName={setName}
          onNameZh={setNameZh}
          labels={[t('priceLists.groupName'), t('priceLists.groupNameZh')]}
          testId="group-name"
        />
        <button type="submit" className="btn btn-primary" disabled={!name.trim()} data-testid="group-create">
          {t('priceLists.newGroup')}
        </button>
      </form>
    </section>
  );
}

function ListsCard({
  lists,
  groups,
  storeId,
  selected,
  onSelect,
  onChanged,
  onError,
}: CardProps & {
  lists: PriceList[] | null;
  groups: CustomerGroup[];
  storeId: string | null;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [nameZh, setNameZh] = useState('');
  const [kind, setKind] = useState<PriceListTarget['kind']>('members');
  const [groupId, setGroupId] = useState('');

  const targetText = (target: PriceListTarget) => {
    if (target.kind === 'group') {
      const g = groups.find((x) => x.id === target.groupId);
      return g ? localName(g, i18n.language) : t('priceLists.targets.group');
    }
    return t(`priceLists.targets.${target.kind}`);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const target: PriceListTarget | null =
      kind === 'members' ? { kind } : kind === 'group' ? (groupId ? { kind, groupId } : null) : storeId ? { kind, storeId } : null;
    if (!target) return;
    const r = await priceListsData.create({ name: name.trim(), nameZh: nameZh.trim() || null, target });
    if (!r.ok) return onError(r.error);
    onError(null);
    setName('');
    setNameZh('');
    await onChanged();
    onSelect(r.value.id);
  };

  const toggle = async (l: PriceList) => {
    const r = await priceListsData.update({ id: l.id, name: l.name, nameZh: l.nameZh, target: l.target, active: !l.active });
    if (!r.ok) return onError(r.error);
    await onChanged();
  };

  return (
    <section className="card settings-card" data-testid="price-lists">
      <h2>{t('priceLists.lists')}</h2>
      <Table
        rows={lists}
        rowKey={(l) => l.id}
        rowTestId="list-row"
        rowClassName={(l) => (l.id === selected ? 'pl-selected' : undefined)}
        empty={t('priceLists.noLists')}
        columns={[
          {
            key: 'name',
            cell: (l) => (
              <button type="button" className="pl-link" onClick={() => onSelect(l.id)}>
                {localName(l, i18n.language)}
              </button>
            ),
          },
          { key: 'target', className: 'muted', cell: (l) => targetText(l.target) },
          { key: 'entries', className: 'muted', cell: (l) => t('priceLists.entries', { count: l.entries }) },
          { key: 'state', cell: (l) => (l.active ? t('priceLists.active') : t('priceLists.paused')) },
          {
            key: 'actions',
            num: true,
            cell: (l) => (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void toggle(l)}>
                {l.active ? t('priceLists.pause') : t('priceLists.resume')}
              </button>
            ),
          },
        ]}
      />
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <NameFields
          name={name}
          nameZh={nameZh}
          onName={setName}
          onNameZh={setNameZh}
          labels={[t('priceLists.listName'), t('priceLists.listNameZh')]}
          testId="list-name"
        />
        <Field label={t('priceLists.target')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as PriceListTarget['kind'])} data-testid="list-target">
            <option value="members">{t('priceLists.targets.members')}</option>
            <option value="group" disabled={groups.length === 0}>
              {t('priceLists.targets.group')}
            </option>
            <option value="store" disabled={!storeId}>
              {t('priceLists.targets.store')}
            </option>
          </select>
        </Field>
        {kind === 'group' && (
          <Field label={t('priceLists.pickGroup')}>
            <select value={groupId} onChange={(e) => setGroupId(e.target.value)} data-testid="list-group">
              <option value="">—</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {localName(g, i18n.language)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!name.trim() || (kind === 'group' && !groupId)}
          data-testid="list-create"
        >
          {t('priceLists.newList')}
        </button>
      </form>
    </section>
  );
}

const PAGE = 100;

function EntriesCard({ list, onChanged, onError }: CardProps & { list: PriceList }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProductHit[]>([]);
  const [product, setProduct] = useState<ProductHit | null>(null);
  const [price, setPrice] = useState('');
  const [minQty, setMinQty] = useState('');

  const { data: entries, reload: load } = useQuery(priceListsData.entries, { listId: list.id, offset, limit: PAGE }, { onError });

  useEffect(() => {
    const term = q.trim();
    if (!term || product) return;
    let live = true;
    const timer = setTimeout(() => {
      void catalogData.search({ q: term, limit: 8 }).then((r) => live && r.ok && setHits(r.value));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, product]);

  const shownHits = q.trim() && !product ? hits : [];
  const minor = parseMoney(price, fmt.currency);
  const pieces = minQty.trim() === '' ? 0 : Number(minQty);
  const valid = product !== null && minor !== null && minor >= 0 && Number.isInteger(pieces) && pieces >= 0;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || !product || minor === null) return;
    const r = await priceListsData.setEntries({
      listId: list.id,
      entries: [{ productId: product.id, price: minor, ...(pieces > 0 ? { minQty: pieces * 1000 } : {}) }],
    });
    if (!r.ok) return onError(r.error);
    onError(null);
    setProduct(null);
    setQ('');
    setPrice('');
    setMinQty('');
    await Promise.all([load(), onChanged()]);
  };

  const remove = async (id: string) => {
    const r = await priceListsData.removeEntries({ listId: list.id, entryIds: [id] });
    if (!r.ok) return onError(r.error);
    await Promise.all([load(), onChanged()]);
  };

  return (
    <section className="card settings-card" data-testid="price-list-entries">
      <h2>{localName(list, i18n.language)}</h2>
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <Field label={t('priceLists.product')} className="pl-grow">
          <input
            value={product ? `${product.sku} · ${product.name}` : q}
            placeholder={t('priceLists.searchProduct')}
            maxLength={100}
            onChange={(e) => {
              setProduct(null);
              setQ(e.target.value);
            }}
            data-testid="entry-product"
          />
          {shownHits.length > 0 && (
            <ul className="pl-suggestions" role="listbox">
              {shownHits.map((h) => (
                <li key={h.id}>
                  <button
                    type="button"
                    className="pl-link"
                    data-testid="entry-product-hit"
                    onClick={() => {
                      setProduct(h);
                      setHits([]);
                      setPrice(minorToInput(h.price, currencyDigits(fmt.currency)));
                    }}
                  >
                    {h.sku} · {h.name} · {fmt.money(h.price)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Field>
        <Field label={t('priceLists.listPrice')}>
          <input value={price} inputMode="decimal" maxLength={16} onChange={(e) => setPrice(e.target.value)} data-testid="entry-price" />
        </Field>
        <Field label={t('priceLists.minQty')}>
          <input
            value={minQty}
            inputMode="numeric"
            placeholder={t('priceLists.anyQty')}
            maxLength={9}
            onChange={(e) => setMinQty(e.target.value)}
            data-testid="entry-min-qty"
          />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={!valid} data-testid="entry-add">
          {t('priceLists.add')}
        </button>
      </form>
      <Table
        rows={entries?.items ?? null}
        rowKey={(e) => e.id}
        rowTestId="entry-row"
        testId="entries-table"
        empty={t('priceLists.noEntries')}
        columns={[
          {
            key: 'product',
            header: t('priceLists.product'),
            cell: (e) => (
              <>
                {e.sku ?? '—'} · {e.name ?? e.productId}
              </>
            ),
          },
          {
            key: 'shelf',
            header: t('priceLists.shelfPrice'),
            num: true,
            cell: (e) => (e.basePrice === null ? '—' : fmt.money(e.basePrice)),
          },
          { key: 'price', header: t('priceLists.listPrice'), num: true, cell: (e) => fmt.money(e.price) },
          {
            key: 'minQty',
            header: t('priceLists.minQty'),
            num: true,
            cell: (e) => (e.minQty > 0 ? fmt.qty(e.minQty, 'each') : t('priceLists.anyQty')),
          },
          {
            key: 'actions',
            header: '',
            num: true,
            cell: (e) => (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => void remove(e.id)}>
                {t('priceLists.remove')}
              </button>
            ),
          },
        ]}
      />
      {entries && entries.total > PAGE && (
        <div className="pl-pager">
          <button type="button" className="btn btn-ghost" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            ‹
          </button>
          <span className="muted">
            {offset + 1}–{Math.min(offset + PAGE, entries.total)} / {entries.total}
          </span>
          <button
            type="button"
            className="btn btn-ghost"
            disabled={offset + PAGE >= entries.total}
            onClick={() => setOffset(offset + PAGE)}
          >
            ›
          </button>
        </div>
      )}
    </section>
  );
}

/** The English name and the other-language name of a group or a list. */
function NameFields(props: {
  name: string;
  nameZh: string;
  onName: (v: string) => void;
  onNameZh: (v: string) => void;
  labels: [string, string];
  testId: string;
}) {
  return (
    <>
      <Field label={props.labels[0]}>
        <input value={props.name} maxLength={120} onChange={(e) => props.onName(e.target.value)} data-testid={props.testId} />
      </Field>
      <Field label={props.labels[1]}>
        <input value={props.nameZh} maxLength={120} onChange={(e) => props.onNameZh(e.target.value)} data-testid={`${props.testId}-zh`} />
      </Field>
    </>
  );
}
