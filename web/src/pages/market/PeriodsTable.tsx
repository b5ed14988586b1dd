import type { PeriodSummary } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { stageLabel, yesNo } from '../../components/labels';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';
import { Link } from '../../lib/router';
import { formatTimeOfDay } from '../../lib/time';

/** The periods of a day, each a link to its own view. */
export function PeriodsTable({ periods }: { periods: readonly PeriodSummary[] }) {
  const { t } = useI18n();
  const columns: Column<PeriodSummary>[] = [
    {
      header: t('col.period'),
      value: (row) => String(row.period),
      render: (row) => <Link to={`/market?period=${row.period}`}>{row.period}</Link>,
    },
    { header: t('col.delivery'), value: (row) => formatTimeOfDay(row.deliveryStarts) },
    { header: t('col.stage'), value: (row) => stageLabel(t, row.stage) },
    { header: t('col.settled'), value: (row) => yesNo(t, row.settled) },
    { header: t('col.commitments'), value: (row) => String(row.commitments), numeric: true },
    { header: t('col.revealed'), value: (row) => String(row.revealed), numeric: true },
    { header: t('col.trades'), value: (row) => String(row.tradeCount), numeric: true },
    { header: t('col.tradedEnergy'), value: (row) => trimZeros(row.tradedEnergy), numeric: true },
    {
      header: t('col.averagePrice'),
      value: (row) => (row.averagePrice === null ? '' : trimZeros(row.averagePrice)),
      numeric: true,
    },
  ];
  return (
    <DataTable
      testId="periods-table"
      fileName="periods"
      columns={columns}
      rows={periods}
      rowKey={(row) => row.period}
    />
  );
}
