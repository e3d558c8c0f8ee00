import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerGroup, PriceList, PriceListEntryRow } from '../../../shared/api/price-lists';
import type { ProductHit } from '../../../shared/api/types';
import type { ApiError } from '../../../shared/errors';
import type { PriceListTarget } from '../../../shared/price-lists/resolve';
import { parseMoney, currencyDigits } from '../../../shared/money';

import { InlineError } from '../../components/ErrorBanner';
import { describeError } from '../../lib/errors';
import { minorToInput, useFormat } from '../../lib/format';
import { TopBar } from '../../components/TopBar';
import { localizedName } from '../../../shared/names';
import { customerGroupsData, priceListsData } from '../../data/price-lists';
import { syncData } from '../../data/sync';
import { catalogData } from '../../data/catalog';

const localName = (x: { name: string; nameZh: string | null }, language: string) => localizedName(x.name, x.nameZh, language).primary;

/**
 * Price lists for managers: customer groups (会员, 批发), the lists with who they are for, and each
 * list's prices (a product, its price, from which quantity). Main checks everything again.
 */
export function PriceListsScreen() {
  const { t } = useTranslation();
  const [groups, setGroups] = useState<CustomerGroup[] | null>(null);
  const [lists, setLists] = useState<PriceList[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [storeId, setStoreId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const reload = useCallback(async () => {
    const [g, l] = await Promise.all([customerGroupsData.list({}), priceListsData.list({})]);
    if (g.ok) setGroups(g.value);
    else setError(g.error);
    if (l.ok) setLists(l.value);
    else setError(l.error);
  }, []);

  useEffect(() => {
    void reload(); // eslint-disable-line react-hooks/set-state-in-effect -- reload awaits the answers before setting state
    void syncData.status({}).then((r) => r.ok && setStoreId(r.value.storeId));
  }, [reload]);

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
      {groups?.length === 0 && <p className="muted">{t('priceLists.noGroups')}</p>}
      {groups && groups.length > 0 && (
        <table className="table">
          <tbody>
            {groups.map((g) => (
              <tr key={g.id} data-testid="group-row">
                <td>{localName(g, i18n.language)}</td>
                <td className="muted">{t('priceLists.members', { count: g.customers })}</td>
                <td className="num">
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void remove(g.id)}>
                    {t('priceLists.deleteGroup')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field-label">{t('priceLists.groupName')}</span>
          <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="group-name" />
        </label>
        <label className="field">
          <span className="field-label">{t('priceLists.groupNameZh')}</span>
          <input value={nameZh} maxLength={120} onChange={(e) => setNameZh(e.target.value)} data-testid="group-name-zh" />
        </label>
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
      {lists?.length === 0 && <p className="muted">{t('priceLists.noLists')}</p>}
      {lists && lists.length > 0 && (
        <table className="table">
          <tbody>
            {lists.map((l) => (
              <tr key={l.id} className={l.id === selected ? 'pl-selected' : undefined} data-testid="list-row">
                <td>
                  <button type="button" className="pl-link" onClick={() => onSelect(l.id)}>
                    {localName(l, i18n.language)}
                  </button>
                </td>
                <td className="muted">{targetText(l.target)}</td>
                <td className="muted">{t('priceLists.entries', { count: l.entries })}</td>
                <td>{l.active ? t('priceLists.active') : t('priceLists.paused')}</td>
                <td className="num">
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void toggle(l)}>
                    {l.active ? t('priceLists.pause') : t('priceLists.resume')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field-label">{t('priceLists.listName')}</span>
          <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="list-name" />
        </label>
        <label className="field">
          <span className="field-label">{t('priceLists.listNameZh')}</span>
          <input value={nameZh} maxLength={120} onChange={(e) => setNameZh(e.target.value)} data-testid="list-name-zh" />
        </label>
        <label className="field">
          <span className="field-label">{t('priceLists.target')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as PriceListTarget['kind'])} data-testid="list-target">
            <option value="members">{t('priceLists.targets.members')}</option>
            <option value="group" disabled={groups.length === 0}>
              {t('priceLists.targets.group')}
            </option>
            <option value="store" disabled={!storeId}>
              {t('priceLists.targets.store')}
            </option>
          </select>
        </label>
        {kind === 'group' && (
          <label className="field">
            <span className="field-label">{t('priceLists.pickGroup')}</span>
            <select value={groupId} onChange={(e) => setGroupId(e.target.value)} data-testid="list-group">
              <option value="">—</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {localName(g, i18n.language)}
                </option>
              ))}
            </select>
          </label>
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
  const [entries, setEntries] = useState<{ items: PriceListEntryRow[]; total: number } | null>(null);
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProductHit[]>([]);
  const [product, setProduct] = useState<ProductHit | null>(null);
  const [price, setPrice] = useState('');
  const [minQty, setMinQty] = useState('');

  const load = useCallback(async () => {
    const r = await priceListsData.entries({ listId: list.id, offset, limit: PAGE });
    if (r.ok) setEntries(r.value);
    else onError(r.error);
  }, [list.id, offset, onError]);

  useEffect(() => {
    void load(); // eslint-disable-line react-hooks/set-state-in-effect -- load awaits the answer before setting state
  }, [load]);

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
        <label className="field pl-grow">
          <span className="field-label">{t('priceLists.product')}</span>
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
        </label>
        <label className="field">
          <span className="field-label">{t('priceLists.listPrice')}</span>
          <input value={price} inputMode="decimal" maxLength={16} onChange={(e) => setPrice(e.target.value)} data-testid="entry-price" />
        </label>
        <label className="field">
          <span className="field-label">{t('priceLists.minQty')}</span>
          <input
            value={minQty}
            inputMode="numeric"
            placeholder={t('priceLists.anyQty')}
            maxLength={9}
            onChange={(e) => setMinQty(e.target.value)}
            data-testid="entry-min-qty"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!valid} data-testid="entry-add">
          {t('priceLists.add')}
        </button>
      </form>
      {entries?.total === 0 && <p className="muted">{t('priceLists.noEntries')}</p>}
      {entries && entries.total > 0 && (
        <table className="table" data-testid="entries-table">
          <thead>
            <tr>
              <th>{t('priceLists.product')}</th>
              <th className="num">{t('priceLists.shelfPrice')}</th>
              <th className="num">{t('priceLists.listPrice')}</th>
              <th className="num">{t('priceLists.minQty')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.items.map((e) => (
              <tr key={e.id} data-testid="entry-row">
                <td>
                  {e.sku ?? '—'} · {e.name ?? e.productId}
                </td>
                <td className="num">{e.basePrice === null ? '—' : fmt.money(e.basePrice)}</td>
                <td className="num">{fmt.money(e.price)}</td>
                <td className="num">{e.minQty > 0 ? fmt.qty(e.minQty, 'each') : t('priceLists.anyQty')}</td>
                <td className="num">
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void remove(e.id)}>
                    {t('priceLists.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
