import type { RevealedBid } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { sideLabel, yesNo } from '../../components/labels';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

/** A period's bids as revealed on chain: the server serves them only once the reveal window closed. */
export function RevealedBidsTable({
  bids,
  nameOf,
}: {
  bids: readonly RevealedBid[];
  nameOf: (id: number) => string;
}) {
  const { t } = useI18n();
  const columns: Column<RevealedBid>[] = [
    { header: t('col.participant'), value: (bid) => nameOf(bid.participantId) },
    { header: t('col.side'), value: (bid) => sideLabel(t, bid.side) },
    { header: t('col.green'), value: (bid) => yesNo(t, bid.green) },
    { header: t('col.quantityKwh'), value: (bid) => trimZeros(bid.quantity), numeric: true },
    { header: t('col.pricePerKwh'), value: (bid) => trimZeros(bid.price), numeric: true },
    {
      header: t('col.revealTx'),
      value: (bid) => bid.transactionHash,
      render: (bid) => <TxLink hash={bid.transactionHash} />,
    },
  ];
  return (
    <DataTable
      testId="revealed-bids-table"
      fileName="revealed-bids"
      columns={columns}
      rows={bids}
      rowKey={(bid) => bid.participantId}
    />
  );
}
