import type { Trade } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { stageLabel } from '../../components/labels';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';
import { Link } from '../../lib/router';
import { tradeFlowPath } from '../TradeFlowPage';

export function TradesTable({
  trades,
  nameOf,
}: {
  trades: readonly Trade[];
  nameOf: (id: number) => string;
}) {
  const { t } = useI18n();
  const columns: Column<Trade>[] = [
    { header: t('col.stage'), value: (trade) => stageLabel(t, trade.stage) },
    { header: t('col.seller'), value: (trade) => nameOf(trade.sellerId) },
    { header: t('col.buyer'), value: (trade) => nameOf(trade.buyerId) },
    { header: t('col.quantityKwh'), value: (trade) => trimZeros(trade.quantity), numeric: true },
    { header: t('col.pricePerKwh'), value: (trade) => trimZeros(trade.price), numeric: true },
    {
      header: t('col.transaction'),
      value: (trade) => trade.transactionHash,
      render: (trade) => <TxLink hash={trade.transactionHash} />,
    },
    {
      header: t('col.flow'),
      value: (trade) => tradeFlowPath(trade),
      render: (trade) => (
        <Link to={tradeFlowPath(trade)} testId="trade-flow-link">
          {t('flow.open')}
        </Link>
      ),
    },
  ];
  return (
    <DataTable
      testId="trades-table"
      fileName="trades"
      columns={columns}
      rows={trades}
      rowKey={(trade) => `${trade.transactionHash}-${trade.logIndex}`}
    />
  );
}
