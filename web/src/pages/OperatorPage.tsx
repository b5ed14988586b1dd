import { api } from '../api/client';
import type {
  Health,
  GridCapacity,
  GridTariff,
  MaintenancePlans,
  ForwardMarket,
  Meter,
  Parameters,
  Participant,
  Reputations,
  SubsidyProgramme,
} from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox } from '../components/forms';
import { Address } from '../components/links';
import { PasswordForm } from '../components/PasswordForm';
import { useLiveReload } from '../hooks/live';
import { useAsync } from '../hooks/useAsync';
import { useParticipants } from '../hooks/useParticipants';
import { useI18n } from '../i18n/i18n';
import { HealthPanel } from './operator/HealthPanel';
import { MeterForm } from './operator/MeterForm';
import { ParametersForm } from './operator/ParametersForm';
import { ParticipantsTable } from './operator/ParticipantsTable';
import { ReputationsTable } from './operator/ReputationsTable';
import { SubsidyPanel } from './operator/SubsidyPanel';
import { MaintenancePanel } from './operator/MaintenancePanel';
import { ForwardPanel } from './account/ForwardPanel';
import { GridPanel } from './operator/GridPanel';
import { CapacityPanel } from './operator/CapacityPanel';

export function OperatorPage() {
  const { t } = useI18n();
  const participants = useParticipants();
  const meters = useAsync(() => api.get<{ meters: Meter[] }>('/meters').then((answer) => answer.meters), []);
  const parameters = useAsync(() => api.get<Parameters>('/parameters'), []);
  const health = useAsync(() => api.get<Health>('/health'), []);
  const subsidies = useAsync(() => api.get<SubsidyProgramme>('/subsidies'), []);
  const maintenance = useAsync(() => api.get<MaintenancePlans>('/maintenance'), []);
  // A deployment without forward rights answers 404: the panel is then left out.
  const forward = useAsync(() => api.get<ForwardMarket>('/forward'), []);
  const grid = useAsync(() => api.get<GridTariff>('/grid'), []);
  const capacity = useAsync(() => api.get<GridCapacity>('/grid/capacity'), []);
  const reputations = useAsync(() => api.get<Reputations>('/reputation'), []);
  useLiveReload(['block'], health.reload, 3000);
  useLiveReload(['clock'], () => {
    participants.reload();
    meters.reload();
    subsidies.reload();
    maintenance.reload();
    reputations.reload();
  });
  const list: readonly Participant[] = participants.list;
  const meterColumns: Column<Meter>[] = [
    { header: t('col.participant'), value: (meter) => participants.nameOf(meter.participantId) },
    { header: t('col.meter'), value: (meter) => meter.number },
    {
      header: t('col.account'),
      value: (meter) => meter.address,
      render: (meter) => <Address address={meter.address} />,
    },
    {
      header: t('col.lastPeriod'),
      value: (meter) => (meter.lastPeriod === null ? '' : String(meter.lastPeriod)),
    },
    { header: t('col.status'), value: (meter) => meter.status },
  ];
  return (
    <div className="page" data-testid="operator-page">
      <h1>{t('operator.title')}</h1>
      <section>
        <h2>{t('operator.health')}</h2>
        <ErrorBox error={health.error} />
        {health.data && <HealthPanel health={health.data} />}
      </section>
      <section>
        <h2>{t('operator.participants')}</h2>
        <ErrorBox error={participants.error} />
        <ParticipantsTable participants={list} onChanged={participants.reload} />
      </section>
      <div className="columns">
        <MeterForm
          participants={list}
          onBound={() => {
            participants.reload();
            meters.reload();
          }}
        />
        <ParametersForm current={parameters.data} onSaved={parameters.reload} />
        <PasswordForm />
      </div>
      {maintenance.data && (
        <MaintenancePanel plans={maintenance.data} participants={list} onChanged={maintenance.reload} />
      )}
      {forward.data && (
        <ForwardPanel market={forward.data} viewer={{ role: 'operator' }} onChanged={forward.reload} />
      )}
      {grid.data && <GridPanel grid={grid.data} participants={list} onChanged={grid.reload} />}
      {capacity.data && <CapacityPanel capacity={capacity.data} onChanged={capacity.reload} />}
      {subsidies.data && <SubsidyPanel programme={subsidies.data} onChanged={subsidies.reload} />}
      <section>
        <h2>{t('operator.reputations')}</h2>
        <ErrorBox error={reputations.error} />
        {reputations.data && <ReputationsTable reputations={reputations.data} />}
      </section>
      <section>
        <h2>{t('operator.meters')}</h2>
        <ErrorBox error={meters.error} />
        <DataTable
          testId="meters-table"
          fileName="meters"
          columns={meterColumns}
          rows={meters.data ?? []}
          rowKey={(meter) => meter.address}
        />
      </section>
    </div>
  );
}
