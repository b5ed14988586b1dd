import { useState } from 'react';
import { api, asApiError, type ApiError } from '../../api/client';
import type { MaintenancePlan, MaintenancePlans, Participant } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';

/** The grid company's maintenance plans: publish a unit's window, cancel one. */
export function MaintenancePanel({
  plans,
  participants,
  onChanged,
}: {
  plans: MaintenancePlans;
  participants: readonly Participant[];
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const units = participants.filter((p) => p.kind !== 'consumer');
  const [form, setForm] = useState({ participantId: '', fromPeriod: '', toPeriod: '', workOrder: '' });
  const [done, setDone] = useState<string | null>(null);
  const publish = useSubmit(async () => {
    const answer = await api.post<{ transactionHash: string }>('/maintenance', {
      participantId: Number(form.participantId),
      fromPeriod: Number(form.fromPeriod),
      toPeriod: Number(form.toPeriod),
      workOrder: form.workOrder.trim(),
    });
    setDone(answer.transactionHash);
    onChanged();
  });
  const [cancelError, setCancelError] = useState<ApiError | null>(null);
  const nameOf = (id: number) => participants.find((p) => p.id === id)?.name ?? String(id);
  const columns: Column<MaintenancePlan>[] = [
    { header: t('col.plan'), value: (p) => String(p.planId), numeric: true },
    { header: t('col.unit'), value: (p) => nameOf(p.unitId) },
    { header: t('col.fromPeriod'), value: (p) => String(p.fromPeriod), numeric: true },
    { header: t('col.toPeriod'), value: (p) => String(p.toPeriod), numeric: true },
    { header: t('col.workOrder'), value: (p) => p.workOrder },
    {
      header: t('col.status'),
      value: (p) => t(p.cancelled ? 'maintenance.cancelled' : 'maintenance.published'),
      render: (p) =>
        p.cancelled ? (
          t('maintenance.cancelled')
        ) : (
          <button
            type="button"
            className="link-button"
            data-testid={`maintenance-cancel-${p.planId}`}
            onClick={() =>
              void api.delete<{ transactionHash: string }>(`/maintenance/${p.planId}`).then(
                (answer) => {
                  setCancelError(null);
                  setDone(answer.transactionHash);
                  onChanged();
                },
                (cause: unknown) => setCancelError(asApiError(cause)),
              )
            }
          >
            {t('maintenance.cancel')}
          </button>
        ),
    },
  ];
  return (
    <section data-testid="maintenance-panel">
      <h2>{t('maintenance.title')}</h2>
      <p className="muted small">{t('maintenance.earliest', { period: plans.earliestPeriod })}</p>
      <form className="card" data-testid="maintenance-form" onSubmit={publish.onSubmit}>
        <label>
          {t('col.unit')}
          <select
            name="participantId"
            data-testid="maintenance-unit"
            value={form.participantId}
            onChange={(e) => setForm({ ...form, participantId: e.target.value })}
          >
            <option value="">—</option>
            {units.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {(['fromPeriod', 'toPeriod', 'workOrder'] as const).map((name) => (
          <TextField
            key={name}
            label={t(`col.${name}`)}
            name={name}
            error={publish.error}
            testId={`maintenance-${name}`}
            inputMode={name === 'workOrder' ? undefined : 'numeric'}
            value={form[name]}
            onChange={(value) => setForm({ ...form, [name]: value })}
          />
        ))}
        <FormError
          error={publish.error ?? cancelError}
          fields={['participantId', 'fromPeriod', 'toPeriod', 'workOrder']}
        />
        <button type="submit" data-testid="maintenance-submit" disabled={publish.pending}>
          {t('maintenance.publish')}
        </button>
        {done !== null && (
          <p className="ok" data-testid="maintenance-result">
            {t('subsidy.done')} <TxLink hash={done} />
          </p>
        )}
      </form>
      <DataTable
        testId="maintenance-table"
        fileName="maintenance-plans"
        columns={columns}
        rows={plans.plans}
        rowKey={(p) => p.planId}
      />
    </section>
  );
}
