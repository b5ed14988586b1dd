import { useState } from 'react';
import { api } from '../../api/client';
import type { ForwardMarket, ForwardOffer, ForwardSale, Kind } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { useParticipants } from '../../hooks/useParticipants';
import { useI18n } from '../../i18n/i18n';

type Viewer = { role: 'operator' } | { role: 'participant'; participantId: number; kind: Kind };

/**
 * Large-user direct purchase: forward offers and open sales of rights. A producer registers offers,
 * the operator issues them, a large user buys rights and sells them on to another large user.
 */
export function ForwardPanel({
  market,
  viewer,
  onChanged,
}: {
  market: ForwardMarket;
  viewer: Viewer;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { nameOf } = useParticipants();
  const me = viewer.role === 'participant' ? viewer.participantId : null;
  const act = (send: () => Promise<unknown>) => () => void send().then(onChanged, onChanged);
  const offerColumns: Column<ForwardOffer>[] = [
    { header: t('forward.offer'), value: (o) => String(o.offerId), numeric: true },
    { header: t('col.unit'), value: (o) => nameOf(o.producerId) },
    { header: t('col.fromPeriod'), value: (o) => String(o.firstPeriod), numeric: true },
    { header: t('col.toPeriod'), value: (o) => String(o.lastPeriod), numeric: true },
    { header: t('forward.energy'), value: (o) => o.energy, numeric: true },
    { header: t('forward.sold'), value: (o) => o.sold, numeric: true },
    { header: t('forward.price'), value: (o) => o.price, numeric: true },
    { header: t('forward.fee'), value: (o) => (o.issued ? `${o.fee} (${o.region})` : '—'), numeric: true },
    {
      header: t('col.status'),
      value: (o) => t(o.issued ? 'forward.issued' : 'forward.registered'),
      render: (o) =>
        !o.issued && viewer.role === 'operator' ? (
          <button
            type="button"
            className="link-button"
            data-testid={`forward-issue-${o.offerId}`}
            onClick={act(() => api.post(`/forward/offers/${o.offerId}/issue`, {}))}
          >
            {t('forward.issue')}
          </button>
        ) : (
          t(o.issued ? 'forward.issued' : 'forward.registered')
        ),
    },
  ];
  const saleColumns: Column<ForwardSale>[] = [
    { header: t('forward.sale'), value: (s) => String(s.saleId), numeric: true },
    { header: t('forward.offer'), value: (s) => String(s.offerId), numeric: true },
    { header: t('forward.seller'), value: (s) => nameOf(s.sellerId) },
    { header: t('forward.buyer'), value: (s) => nameOf(s.buyerId) },
    { header: t('forward.energy'), value: (s) => s.energy, numeric: true },
    { header: t('forward.price'), value: (s) => s.price, numeric: true },
    {
      header: '',
      value: () => '',
      render: (s) =>
        s.buyerId === me ? (
          <button
            type="button"
            className="link-button"
            data-testid={`forward-accept-${s.saleId}`}
            onClick={act(() => api.post(`/forward/sales/${s.saleId}/accept`, {}))}
          >
            {t('forward.accept')}
          </button>
        ) : s.sellerId === me ? (
          <button
            type="button"
            className="link-button"
            onClick={act(() => api.delete(`/forward/sales/${s.saleId}`))}
          >
            {t('maintenance.cancel')}
          </button>
        ) : null,
    },
  ];
  return (
    <section data-testid="forward-panel">
      <h2>{t('forward.title')}</h2>
      <p className="muted small">{t('forward.rules', { period: market.earliestPeriod })}</p>
      <div className="columns">
        {viewer.role === 'participant' && viewer.kind !== 'consumer' && (
          <ForwardForm
            testId="forward-register"
            title={t('forward.register')}
            fields={['firstPeriod', 'lastPeriod', 'energy', 'price']}
            send={(v) =>
              api.post('/forward/offers', {
                firstPeriod: Number(v.firstPeriod),
                lastPeriod: Number(v.lastPeriod),
                energy: v.energy,
                price: v.price,
              })
            }
            onDone={onChanged}
          />
        )}
        {viewer.role === 'participant' && viewer.kind === 'consumer' && (
          <>
            <ForwardForm
              testId="forward-buy"
              title={t('forward.buy')}
              fields={['offerId', 'energy']}
              send={(v) => api.post(`/forward/offers/${Number(v.offerId)}/purchases`, { energy: v.energy })}
              onDone={onChanged}
            />
            <ForwardForm
              testId="forward-sell"
              title={t('forward.sell')}
              fields={['offerId', 'buyerId', 'energy', 'price']}
              send={(v) =>
                api.post('/forward/sales', {
                  offerId: Number(v.offerId),
                  buyerId: Number(v.buyerId),
                  energy: v.energy,
                  price: v.price,
                })
              }
              onDone={onChanged}
            />
          </>
        )}
        {viewer.role === 'operator' && (
          <>
            <ForwardForm
              testId="forward-large-user"
              title={t('forward.largeUser')}
              fields={['participantId']}
              send={(v) => api.put(`/forward/participants/${Number(v.participantId)}`, { largeUser: true })}
              onDone={onChanged}
            />
            <ForwardForm
              testId="forward-region"
              title={t('forward.setRegion')}
              fields={['participantId', 'region']}
              send={(v) =>
                api.put(`/forward/participants/${Number(v.participantId)}`, { region: Number(v.region) })
              }
              onDone={onChanged}
            />
            <ForwardForm
              testId="forward-region-fee"
              title={t('forward.regionFee')}
              fields={['region', 'fee']}
              send={(v) => api.put(`/forward/regions/${Number(v.region)}`, { fee: v.fee })}
              onDone={onChanged}
            />
          </>
        )}
      </div>
      <DataTable
        testId="forward-offers-table"
        fileName="forward-offers"
        columns={offerColumns}
        rows={market.offers}
        rowKey={(o) => o.offerId}
      />
      <DataTable
        testId="forward-sales-table"
        fileName="forward-sales"
        columns={saleColumns}
        rows={market.sales}
        rowKey={(s) => s.saleId}
      />
      <p className="muted small" data-testid="forward-regions">
        {market.regions
          .map((r) => t('forward.collected', { region: r.region, amount: r.collected }))
          .join(' · ')}
      </p>
    </section>
  );
}

const FIELD_LABEL = {
  firstPeriod: 'col.fromPeriod',
  lastPeriod: 'col.toPeriod',
  energy: 'forward.energy',
  price: 'forward.price',
  offerId: 'forward.offer',
  buyerId: 'forward.buyer',
  participantId: 'col.unit',
  region: 'forward.region',
  fee: 'forward.fee',
} as const;

type FieldName = keyof typeof FIELD_LABEL;

/** One small form of the panel: its fields as text, sent as the API wants them. */
function ForwardForm({
  testId,
  title,
  fields,
  send,
  onDone,
}: {
  testId: string;
  title: string;
  fields: readonly FieldName[];
  send: (values: Record<FieldName, string>) => Promise<unknown>;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const empty = Object.fromEntries(fields.map((f) => [f, ''])) as Record<FieldName, string>;
  const [values, setValues] = useState(empty);
  const submit = useSubmit(async () => {
    await send(values);
    setValues(empty);
    onDone();
  });
  return (
    <form className="card" data-testid={testId} onSubmit={submit.onSubmit}>
      <h3>{title}</h3>
      {fields.map((name) => (
        <TextField
          key={name}
          label={t(FIELD_LABEL[name])}
          name={name}
          error={submit.error}
          testId={`${testId}-${name}`}
          value={values[name]}
          onChange={(value) => setValues({ ...values, [name]: value })}
        />
      ))}
      <FormError error={submit.error} fields={[...fields]} />
      <button type="submit" disabled={submit.pending}>
        {title}
      </button>
    </form>
  );
}
