import type { ParticipantSubsidies } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { TxLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

type Coupon = ParticipantSubsidies['coupons'][number];
type Payment = ParticipantSubsidies['payments'][number];

/** A participant's first-use bonus, yearly coupons and the subsidies paid to it. */
export function SubsidiesCard({ subsidies }: { subsidies: ParticipantSubsidies }) {
  const { t } = useI18n();
  const couponColumns: Column<Coupon>[] = [
    { header: t('col.year'), value: (c) => String(c.year) },
    { header: t('col.value'), value: (c) => trimZeros(c.value), numeric: true },
    { header: t('col.validFrom'), value: (c) => String(c.validFromPeriod), numeric: true },
    { header: t('col.expiresAfter'), value: (c) => String(c.expiresAfterPeriod), numeric: true },
    { header: t('col.status'), value: (c) => t(`subsidy.status.${c.status}`) },
  ];
  const paymentColumns: Column<Payment>[] = [
    { header: t('col.period'), value: (p) => String(p.period), numeric: true },
    { header: t('col.amount'), value: (p) => trimZeros(p.amount), numeric: true },
    {
      header: t('col.transaction'),
      value: (p) => p.transactionHash,
      render: (p) => <TxLink hash={p.transactionHash} />,
    },
  ];
  return (
    <div data-testid="subsidies">
      <p data-testid="first-use" data-paid={subsidies.firstUsePaid}>
        {t(subsidies.firstUsePaid ? 'subsidy.firstUsePaid' : 'subsidy.firstUseOpen')}
      </p>
      <h3>{t('subsidy.coupons')}</h3>
      <DataTable
        testId="coupons-table"
        fileName="coupons"
        columns={couponColumns}
        rows={subsidies.coupons}
        rowKey={(c) => c.programmeId}
      />
      <h3>{t('subsidy.payments')}</h3>
      <DataTable
        testId="subsidy-payments-table"
        fileName="subsidy-payments"
        columns={paymentColumns}
        rows={subsidies.payments}
        rowKey={(p) => `${p.transactionHash}-${p.period}-${p.amount}`}
      />
    </div>
  );
}
