import type { Settlement } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { trimZeros } from '../lib/decimal';
import { DataTable, type Column } from './DataTable';
import { yesNo } from './labels';
import { TxLink } from './links';

interface Props {
  testId: string;
  fileName: string;
  settlements: readonly Settlement[];
  /** The first column: the period (a participant's own records) or the participant (a period's). */
  by: 'period' | 'participant';
  nameOf?: (id: number) => string;
}

/** Declared, awarded and actual energy and what settling them moved: a period's or a participant's. */
export function SettlementsTable({ testId, fileName, settlements, by, nameOf }: Props) {
  const { t } = useI18n();
  const first: Column<Settlement> =
    by === 'period'
      ? { header: t('col.period'), value: (row) => String(row.period ?? '') }
      : {
          header: t('col.participant'),
          value: (row) => (nameOf ? nameOf(row.participantId) : `#${row.participantId}`),
        };
  const amount = (header: string, pick: (row: Settlement) => string): Column<Settlement> => ({
    header,
    value: (row) => trimZeros(pick(row)),
    numeric: true,
  });
  const columns: Column<Settlement>[] = [
    first,
    amount(t('col.declared'), (row) => row.declared),
    amount(t('col.awarded'), (row) => row.awarded),
    amount(t('col.actual'), (row) => row.actual),
    { header: t('col.readingMissing'), value: (row) => yesNo(t, row.readingMissing) },
    amount(t('col.imbalanceEnergy'), (row) => row.imbalanceEnergy),
    amount(t('col.imbalanceAmount'), (row) => row.imbalanceAmount),
    amount(t('col.reward'), (row) => row.reward),
    amount(t('col.penalty'), (row) => row.penalty),
    amount(t('col.wheelingFees'), (row) => row.wheelingFees),
    amount(t('col.levies'), (row) => row.levies),
    {
      header: t('col.transaction'),
      value: (row) => row.transactionHash,
      render: (row) => <TxLink hash={row.transactionHash} />,
    },
  ];
  return (
    <DataTable
      testId={testId}
      fileName={fileName}
      columns={columns}
      rows={settlements}
      rowKey={(row) => `${row.period ?? ''}-${row.participantId}`}
    />
  );
}
