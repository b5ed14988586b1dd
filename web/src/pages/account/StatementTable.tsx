import type { Statement, StatementLine } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { reasonLabel } from '../../components/labels';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';
import { formatChainTime } from '../../lib/time';

/** Every movement of the wallet with its reason; the lines add up to the balance below them. */
export function StatementTable({
  statement,
  nameOf,
}: {
  statement: Statement;
  nameOf: (id: number) => string;
}) {
  const { t } = useI18n();
  const columns: Column<StatementLine>[] = [
    { header: t('col.time'), value: (line) => formatChainTime(line.time) },
    {
      header: t('col.reason'),
      value: (line) => reasonLabel(t, line.reason),
      render: (line) => <span className={`badge reason-${line.reason}`}>{reasonLabel(t, line.reason)}</span>,
    },
    { header: t('col.amount'), value: (line) => trimZeros(line.amount), numeric: true },
    {
      header: t('col.counterparty'),
      value: (line) =>
        line.counterparty === null
          ? ''
          : typeof line.counterparty === 'number'
            ? nameOf(line.counterparty)
            : line.counterparty,
    },
    { header: t('col.period'), value: (line) => (line.period === null ? '' : String(line.period)) },
    {
      header: t('col.transaction'),
      value: (line) => line.transactionHash,
      render: (line) => <TxLink hash={line.transactionHash} />,
    },
  ];
  return (
    <>
      <DataTable
        testId="statement-table"
        fileName="statement"
        columns={columns}
        rows={statement.lines}
        rowKey={(line) => `${line.transactionHash}-${line.logIndex}`}
      />
      <p className="total">
        {t('statement.balance')}{' '}
        <strong data-testid="statement-balance">{trimZeros(statement.balance)}</strong>
      </p>
    </>
  );
}
