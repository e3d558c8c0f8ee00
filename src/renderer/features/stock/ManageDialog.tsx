import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CategoryInfo } from '../../../shared/api';
import { Modal } from '../../components/Modal';
import { useInventory } from '../../stores/inventory';
import { useNotify } from '../../stores/notify';
import { catalogData } from '../../data/catalog';
import { stockData } from '../../data/inventory';
import { Table } from '../../components/Table';
import { useConfirm } from '../../components/Confirm';

/** Categories (create, rename, archive) and stock locations (create, rename, archive, default). */
export function ManageDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const { locations, loadRefs } = useInventory();
  const [categories, setCategories] = useState<CategoryInfo[]>([]);
  const [newCategory, setNewCategory] = useState('');
  const [newLocation, setNewLocation] = useState('');
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => {
    setVersion((v) => v + 1);
    void loadRefs();
  }, [loadRefs]);
  useEffect(() => {
    void catalogData.categoryList({}).then((r) => r.ok && setCategories(r.value));
  }, [version]);

  const run = async (p: Promise<{ ok: boolean; error?: Parameters<typeof notify.error>[0] }>) => {
    const r = await p;
    if (!r.ok && r.error) notify.error(r.error);
    reload();
  };
  const ask = useConfirm();
  const rename = async (current: string) => {
    const name = await ask.prompt(t('inv.manage.rename'), current);
    return name && name !== current ? name : null;
  };

  return (
    <Modal title={t('inv.manage.title')} onClose={onClose} size="lg" testId="manage-dialog">
      <div className="editor-details">
        <section>
          <h3>{t('inv.manage.categories')}</h3>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (newCategory.trim()) void run(catalogData.categoryCreate({ name: newCategory.trim() })).then(() => setNewCategory(''));
            }}
          >
            <input
              value={newCategory}
              onChange={(e) => setNewCategory(e.target.value)}
              placeholder={t('inv.manage.newCategory')}
              data-testid="category-name"
            />
            <button type="submit" className="btn btn-primary btn-sm" data-testid="category-create">
              {t('inv.common.create')}
            </button>
          </form>
          <Table
            rows={categories}
            rowKey={(c) => c.id}
            rowClassName={(c) => (c.archived ? 'row-muted' : '')}
            columns={[
              { key: 'name', cell: (c) => c.name },
              { key: 'products', num: true, className: 'muted', cell: (c) => c.products },
              {
                key: 'actions',
                cell: (c) => (
                  <>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() =>
                        void rename(c.name).then((name) => {
                          if (name) void run(catalogData.categoryUpdate({ id: c.id, name }));
                        })
                      }
                    >
                      {t('inv.manage.rename')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() => void run(catalogData.categoryUpdate({ id: c.id, archived: !c.archived }))}
                    >
                      {c.archived ? t('inv.editor.unarchive') : t('inv.editor.archive')}
                    </button>
                  </>
                ),
              },
            ]}
          />
        </section>
        <section>
          <h3>{t('inv.manage.locations')}</h3>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (newLocation.trim()) void run(stockData.locationCreate({ name: newLocation.trim() })).then(() => setNewLocation(''));
            }}
          >
            <input
              value={newLocation}
              onChange={(e) => setNewLocation(e.target.value)}
              placeholder={t('inv.manage.newLocation')}
              data-testid="location-name"
            />
            <button type="submit" className="btn btn-primary btn-sm" data-testid="location-create">
              {t('inv.common.create')}
            </button>
          </form>
          <Table
            rows={locations}
            rowKey={(l) => l.id}
            rowClassName={(l) => (l.archived ? 'row-muted' : '')}
            columns={[
              {
                key: 'name',
                cell: (l) => (
                  <>
                    {l.name} {l.isDefault && <span className="badge">{t('inv.manage.default')}</span>}
                  </>
                ),
              },
              {
                key: 'actions',
                cell: (l) => (
                  <>
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      onClick={() =>
                        void rename(l.name).then((name) => {
                          if (name) void run(stockData.locationUpdate({ id: l.id, name }));
                        })
                      }
                    >
                      {t('inv.manage.rename')}
                    </button>
                    {!l.isDefault && !l.archived && (
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={() => void run(stockData.locationUpdate({ id: l.id, isDefault: true }))}
                      >
                        {t('inv.manage.makeDefault')}
                      </button>
                    )}
                    {!l.isDefault && (
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={() => void run(stockData.locationUpdate({ id: l.id, archived: !l.archived }))}
                      >
                        {l.archived ? t('inv.editor.unarchive') : t('inv.editor.archive')}
                      </button>
                    )}
                  </>
                ),
              },
            ]}
          />
        </section>
      </div>
      {ask.dialog}
    </Modal>
  );
}
