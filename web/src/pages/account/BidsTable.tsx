import type { Bid } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { sideLabel, statusLabel } from '../../components/labels';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

/** A participant's own bids (only ever served to their owner and, after reveal, the operator). */
export function BidsTable({ bids }: { bids: readonly Bid[] }) {
  const { t } = useI18n();
  const columns: Column<Bid>[] = [
    { header: t('col.period'), value: (bid) => String(bid.period) },
    { header: t('col.side'), value: (bid) => sideLabel(t, bid.side) },
    { header: t('col.quantityKwh'), value: (bid) => trimZeros(bid.quantity), numeric: true },
    { header: t('col.pricePerKwh'), value: (bid) => trimZeros(bid.price), numeric: true },
    {
      header: t('col.status'),
      value: (bid) => statusLabel(t, bid.status),
      render: (bid) => (
        <span className={`badge status-${bid.status}`} data-testid="bid-status" data-status={bid.status}>
          {statusLabel(t, bid.status)}
        </span>
      ),
    },
    {
      header: t('col.commitTx'),
      value: (bid) => bid.commit?.transactionHash ?? '',
      render: (bid) => <TxLink hash={bid.commit?.transactionHash} />,
    },
    {
      header: t('col.revealTx'),
      value: (bid) => bid.reveal?.transactionHash ?? '',
      render: (bid) => <TxLink hash={bid.reveal?.transactionHash} />,
    },
    { header: t('col.error'), value: (bid) => bid.error ?? '' },
  ];
  const newestFirst = [...bids].sort((a, b) => b.period - a.period);
  return (
    <DataTable
      testId="bids-table"
      fileName="bids"
      columns={columns}
      rows={newestFirst}
      rowKey={(bid) => bid.period}
    />
  );
}
