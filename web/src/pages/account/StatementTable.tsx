import type { Statement, StatementLine } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { reasonLabel } from '../../components/labels';
import { Address, TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';
import { Link } from '../../lib/router';
import { formatChainTime } from '../../lib/time';
import { tradeFlowPath } from '../TradeFlowPage';

interface Props {
  statement: Statement;
  /** A participant's name for its account; other accounts (the grid, the market) as they are. */
  nameOfAccount: (account: string | null) => string;
}

/** Every movement of the wallet with its reason; the lines add up to the balance below them. */
export function StatementTable({ statement, nameOfAccount }: Props) {
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
      value: (line) => nameOfAccount(line.counterparty),
      render: (line) => <Counterparty name={nameOfAccount(line.counterparty)} />,
    },
    { header: t('col.period'), value: (line) => (line.period ? String(line.period) : '') },
    {
      header: t('col.transaction'),
      value: (line) => line.transactionHash,
      render: (line) => <TxLink hash={line.transactionHash} />,
    },
    {
      header: t('col.flow'),
      value: (line) => (line.trade ? tradeFlowPath(line.trade) : ''),
      render: (line) =>
        line.trade && (
          <Link to={tradeFlowPath(line.trade)} testId="trade-flow-link">
            {t('flow.open')}
          </Link>
        ),
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
      <p className="total" data-testid="statement-charges">
        {t('statement.charges', {
          wheeling: trimZeros(negate(statement.totals['wheeling-fee'] ?? '0')),
          levy: trimZeros(negate(statement.totals.levy ?? '0')),
        })}
      </p>
      <p className="total" data-testid="statement-sum">
        {t('statement.sum', { opening: trimZeros(statement.opening), closing: trimZeros(statement.closing) })}
      </p>
      <p className="total">
        {t('statement.balance')}{' '}
        <strong data-testid="statement-balance">{trimZeros(statement.balance)}</strong>
      </p>
    </>
  );
}

/** A paid total (negative from the wallet's side) as the positive amount paid. */
const negate = (amount: string): string =>
  amount.startsWith('-') ? amount.slice(1) : amount === '0' ? '0' : `-${amount}`;

/** A bare address (the grid, the market contract) short, with the whole of it on hover. */
function Counterparty({ name }: { name: string }) {
  return /^0x[0-9a-fA-F]{40}$/.test(name) ? <Address address={name} /> : <>{name}</>;
}
