import type { Reputations } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

type Row = Reputations['participants'][number];

/** Every participant's delivery reputation, for the operator. */
export function ReputationsTable({ reputations }: { reputations: Reputations }) {
  const { t } = useI18n();
  const columns: Column<Row>[] = [
    { header: t('col.participant'), value: (r) => r.name },
    {
      header: t('reputation.score'),
      value: (r) => `${trimZeros(r.score)}${r.newcomer ? ` (${t('reputation.newcomer')})` : ''}`,
      numeric: true,
    },
    { header: t('reputation.scoredPeriods'), value: (r) => String(r.scoredPeriods), numeric: true },
    { header: t('reputation.missedReadings'), value: (r) => String(r.missedReadings), numeric: true },
    {
      header: t('reputation.lastPeriod'),
      value: (r) => (r.lastPeriod === null ? '' : String(r.lastPeriod)),
      numeric: true,
    },
    { header: t('reputation.margin'), value: (r) => trimZeros(r.margin), numeric: true },
  ];
  return (
    <>
      {!reputations.on && <p className="muted small">{t('reputation.off')}</p>}
      <DataTable
        testId="reputations-table"
        fileName="reputations"
        columns={columns}
        rows={reputations.participants}
        rowKey={(r) => r.participantId}
      />
    </>
  );
}
