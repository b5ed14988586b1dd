import { useState } from 'react';
import { api } from '../../api/client';
import type { GridCapacity } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

type Asset = GridCapacity['assets'][number];

/** Grid security: feeders hung on transformers and their default capacity limits per period. */
export function CapacityPanel({ capacity, onChanged }: { capacity: GridCapacity; onChanged: () => void }) {
  const { t } = useI18n();
  const [done, setDone] = useState<string | null>(null);
  const saved = (answer: { transactionHash: string }) => {
    setDone(answer.transactionHash);
    onChanged();
  };
  const [hang, setHang] = useState({ feeder: '', transformer: '0' });
  const saveHang = useSubmit(async () =>
    saved(
      await api.put<{ transactionHash: string }>(`/grid/feeders/${hang.feeder.trim()}`, {
        transformer: Number(hang.transformer),
      }),
    ),
  );
  const [limit, setLimit] = useState({ asset: 'feeder', id: '', capacity: '' });
  const saveLimit = useSubmit(async () =>
    saved(
      await api.put<{ transactionHash: string }>(`/grid/capacity/${limit.asset}/${limit.id.trim()}`, {
        capacity: limit.capacity.trim() === '' ? null : limit.capacity.trim(),
      }),
    ),
  );
  const columns: Column<Asset>[] = [
    { header: t('col.asset'), value: (a) => t(`capacity.${a.asset}`) },
    { header: '#', value: (a) => String(a.id), numeric: true },
    {
      header: t('col.transformer'),
      value: (a) => (a.transformer ? String(a.transformer) : ''),
      numeric: true,
    },
    {
      header: t('col.capacityLimit'),
      value: (a) => (a.limit === null ? t('capacity.none') : trimZeros(a.limit)),
      numeric: true,
    },
  ];
  return (
    <section data-testid="capacity-panel">
      <h2>{t('capacity.title')}</h2>
      <p className="muted small">{t('capacity.explain')}</p>
      <p data-testid="capacity-status">{t(capacity.active ? 'capacity.active' : 'capacity.inactive')}</p>
      <div className="columns">
        <form className="card" data-testid="capacity-hang-form" onSubmit={saveHang.onSubmit}>
          {(['feeder', 'transformer'] as const).map((name) => (
            <TextField
              key={name}
              label={t(`col.${name}`)}
              name={name}
              error={saveHang.error}
              testId={`capacity-hang-${name}`}
              inputMode="numeric"
              value={hang[name]}
              onChange={(value) => setHang({ ...hang, [name]: value })}
            />
          ))}
          <FormError error={saveHang.error} fields={['feeder', 'transformer']} />
          <button type="submit" data-testid="capacity-hang-submit" disabled={saveHang.pending}>
            {t('capacity.hang')}
          </button>
        </form>
        <form className="card" data-testid="capacity-limit-form" onSubmit={saveLimit.onSubmit}>
          <label>
            {t('col.asset')}
            <select
              name="asset"
              data-testid="capacity-asset"
              value={limit.asset}
              onChange={(e) => setLimit({ ...limit, asset: e.target.value })}
            >
              <option value="feeder">{t('capacity.feeder')}</option>
              <option value="transformer">{t('capacity.transformer')}</option>
            </select>
          </label>
          <TextField
            label="#"
            name="id"
            error={saveLimit.error}
            testId="capacity-id"
            inputMode="numeric"
            value={limit.id}
            onChange={(value) => setLimit({ ...limit, id: value })}
          />
          <TextField
            label={t('col.capacityLimit')}
            name="capacity"
            error={saveLimit.error}
            testId="capacity-limit"
            inputMode="decimal"
            required={false}
            value={limit.capacity}
            onChange={(value) => setLimit({ ...limit, capacity: value })}
          />
          <FormError error={saveLimit.error} fields={['asset', 'id', 'capacity']} />
          <button type="submit" data-testid="capacity-limit-submit" disabled={saveLimit.pending}>
            {t('capacity.setLimit')}
          </button>
        </form>
      </div>
      {done !== null && (
        <p className="ok" data-testid="capacity-result">
          {t('subsidy.done')} <TxLink hash={done} />
        </p>
      )}
      <DataTable
        testId="capacity-table"
        fileName="grid-capacity"
        columns={columns}
        rows={capacity.assets}
        rowKey={(a) => `${a.asset}:${a.id}`}
      />
    </section>
  );
}
