import { useState } from 'react';
import { api, asApiError, type ApiError } from '../../api/client';
import type { Fill, Kind, Order, OrderBook, PlacedOrder, PriceLevel } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorBox, FormError, useSubmit } from '../../components/forms';
import { orderStatusLabel, sideLabel } from '../../components/labels';
import { TxLink } from '../../components/links';
import { useLiveReload } from '../../hooks/live';
import { useAsync } from '../../hooks/useAsync';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';
import { Link } from '../../lib/router';
import { tradeFlowPath } from '../TradeFlowPage';
import { OfferFields, useOfferInputs } from './OfferFields';

// The continuous market for a participant: an order form, the book of the first open period (price
// levels only, best first), its fills, and the participant's own orders with a cancel button.

/** The sum of kWh amounts as the API writes them (always three decimals: whole Wh), exactly. */
function sumKwh(values: readonly string[]): string {
  const wh = values.reduce((total, v) => total + BigInt(v.replace('.', '')), 0n);
  return trimZeros(`${wh / 1000n}.${String(wh % 1000n).padStart(3, '0')}`);
}

interface Props {
  kind: Kind;
  authorised: boolean;
  nameOf: (id: number) => string;
  onChanged: () => void;
}

export function ContinuousOrders({ kind, authorised, nameOf, onChanged }: Props) {
  const { t } = useI18n();
  const inputs = useOfferInputs(kind);
  const [placed, setPlaced] = useState<PlacedOrder | null>(null);
  const book = useAsync(() => api.get<OrderBook>('/orders/book'), []);
  // A book changes with orders and fills; the open period moves on with the clock.
  useLiveReload(['book', 'period', 'clock'], book.reload, 1000);
  const changed = () => {
    book.reload();
    onChanged();
  };
  const submit = useSubmit(async () => {
    // No `period`: the server takes the first period whose book is open, the one shown below.
    const answer = await api.post<PlacedOrder>('/orders', {
      side: inputs.side,
      quantity: inputs.quantity.trim(),
      price: inputs.price.trim(),
    });
    setPlaced(answer);
    inputs.clear();
    changed();
  });
  const [cancelError, setCancelError] = useState<ApiError | null>(null);
  const cancel = (order: Order) => {
    setCancelError(null);
    api
      .delete(`/orders/${order.period}/${order.orderId}`)
      .then(changed, (cause: unknown) => setCancelError(asApiError(cause)));
  };
  const shown = book.data;

  const levelColumns: Column<PriceLevel>[] = [
    { header: t('col.pricePerKwh'), value: (l) => trimZeros(l.price), numeric: true },
    { header: t('col.quantityKwh'), value: (l) => trimZeros(l.quantity), numeric: true },
    { header: t('col.orders'), value: (l) => String(l.orders), numeric: true },
  ];
  const fillColumns: Column<Fill>[] = [
    { header: t('col.makerOrder'), value: (f) => String(f.makerOrderId), numeric: true },
    { header: t('col.takerOrder'), value: (f) => String(f.takerOrderId), numeric: true },
    { header: t('col.seller'), value: (f) => nameOf(f.sellerId) },
    { header: t('col.buyer'), value: (f) => nameOf(f.buyerId) },
    { header: t('col.quantityKwh'), value: (f) => trimZeros(f.quantity), numeric: true },
    { header: t('col.pricePerKwh'), value: (f) => trimZeros(f.price), numeric: true },
    {
      header: t('col.transaction'),
      value: (f) => f.transactionHash,
      render: (f) => <TxLink hash={f.transactionHash} />,
    },
    {
      header: t('col.flow'),
      value: (f) => tradeFlowPath(f),
      render: (f) => (
        <Link to={tradeFlowPath(f)} testId="fill-flow-link">
          {t('flow.open')}
        </Link>
      ),
    },
  ];
  const ownColumns: Column<Order>[] = [
    { header: t('col.order'), value: (o) => String(o.orderId), numeric: true },
    { header: t('col.side'), value: (o) => sideLabel(t, o.side) },
    { header: t('col.quantityKwh'), value: (o) => trimZeros(o.quantity), numeric: true },
    { header: t('col.pricePerKwh'), value: (o) => trimZeros(o.price), numeric: true },
    { header: t('col.remainingKwh'), value: (o) => trimZeros(o.remaining), numeric: true },
    {
      header: t('col.status'),
      value: (o) => orderStatusLabel(t, o.status),
      render: (o) => (
        <span className={`badge status-${o.status}`} data-testid="order-status" data-status={o.status}>
          {orderStatusLabel(t, o.status)}
        </span>
      ),
    },
    {
      header: '',
      value: () => '',
      render: (o) =>
        o.status === 'open' && shown?.open ? (
          <button type="button" className="link-button" data-testid="order-cancel" onClick={() => cancel(o)}>
            {t('order.cancel')}
          </button>
        ) : null,
    },
  ];

  return (
    <>
      <form className="card" data-testid="order-form" onSubmit={submit.onSubmit}>
        <h2>{t('order.title', { period: shown?.period ?? '…' })}</h2>
        <OfferFields inputs={inputs} error={submit.error} testId="order" />
        <FormError error={submit.error} fields={['side', 'quantity', 'price']} />
        <button type="submit" data-testid="order-submit" disabled={submit.pending || !authorised}>
          {t('order.submit')}
        </button>
        <p className="muted small">{t('order.note')}</p>
        {placed !== null && (
          <p className="ok" data-testid="order-result">
            {t('order.placed', {
              orderId: placed.orderId,
              period: placed.period,
              filled: sumKwh(placed.fills.map((f) => f.quantity)),
              resting: trimZeros(placed.resting),
            })}
          </p>
        )}
      </form>
      <section data-testid="order-book" data-period={shown?.period}>
        <h2>{t('book.title', { period: shown?.period ?? '…' })}</h2>
        <ErrorBox error={book.error ?? cancelError} />
        {shown && !shown.open && <p className="muted">{t('book.closed')}</p>}
        <div className="columns">
          <div>
            <h3>{t('book.bids')}</h3>
            <DataTable
              testId="book-bids"
              fileName={`book-bids-${shown?.period ?? ''}`}
              columns={levelColumns}
              rows={shown?.bids ?? []}
              rowKey={(l) => l.price}
            />
          </div>
          <div>
            <h3>{t('book.asks')}</h3>
            <DataTable
              testId="book-asks"
              fileName={`book-asks-${shown?.period ?? ''}`}
              columns={levelColumns}
              rows={shown?.asks ?? []}
              rowKey={(l) => l.price}
            />
          </div>
        </div>
        <h3>{t('book.fills')}</h3>
        <DataTable
          testId="book-fills"
          fileName={`fills-${shown?.period ?? ''}`}
          columns={fillColumns}
          rows={shown?.fills ?? []}
          rowKey={(f) => `${f.transactionHash}-${f.logIndex}`}
        />
        <h3>{t('book.own')}</h3>
        <DataTable
          testId="own-orders"
          fileName={`orders-${shown?.period ?? ''}`}
          columns={ownColumns}
          rows={shown?.own ?? []}
          rowKey={(o) => o.orderId}
        />
      </section>
    </>
  );
}
