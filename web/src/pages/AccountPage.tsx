import { api, query } from '../api/client';
import type {
  Bid,
  ForwardMarket,
  OwnReputation,
  Participant,
  ParticipantSubsidies,
  Settlement,
  Statement,
  Wallet,
} from '../api/types';
import { ErrorBox } from '../components/forms';
import { kindLabel } from '../components/labels';
import { PasswordForm } from '../components/PasswordForm';
import { TxLink } from '../components/links';
import { SettlementsTable } from '../components/SettlementsTable';
import { useLiveReload } from '../hooks/live';
import { useAsync } from '../hooks/useAsync';
import { useMarket } from '../hooks/useMarket';
import { useParticipants } from '../hooks/useParticipants';
import { useI18n } from '../i18n/i18n';
import { BidForm } from './account/BidForm';
import { ContinuousOrders } from './account/ContinuousOrders';
import { BidsTable } from './account/BidsTable';
import { ForwardPanel } from './account/ForwardPanel';
import { MoneyForm } from './account/MoneyForm';
import { ReputationCard } from './account/ReputationCard';
import { StatementTable } from './account/StatementTable';
import { SubsidiesCard } from './account/SubsidiesCard';
import { WalletCard } from './account/WalletCard';

interface Props {
  participantId: number;
  /** The participant itself bids; the operator looking at an account does not. */
  canBid: boolean;
}

/** A participant's page: wallet, money in and out, bidding, and its records. */
export function AccountPage({ participantId, canBid }: Props) {
  const { t } = useI18n();
  const base = `/participants/${participantId}`;
  const market = useMarket();
  const { nameOf, nameOfAccount } = useParticipants();
  const participant = useAsync(() => api.get<Participant>(base), [base]);
  const wallet = useAsync(() => api.get<Wallet>(`${base}/wallet`), [base]);
  const statement = useAsync(() => api.get<Statement>(`${base}/statement`), [base]);
  const reputation = useAsync(() => api.get<OwnReputation>(`${base}/reputation`), [base]);
  const bids = useAsync(
    () => api.get<{ bids: Bid[] }>(`/bids${query({ participant: participantId })}`).then((a) => a.bids),
    [participantId],
  );
  const settlements = useAsync(
    () => api.get<{ settlements: Settlement[] }>(`${base}/settlements`).then((a) => a.settlements),
    [base],
  );
  // A deployment without a subsidy pool answers 404: the section is then left out.
  const subsidies = useAsync(() => api.get<ParticipantSubsidies>(`${base}/subsidies`), [base]);
  // Likewise without forward rights.
  const forward = useAsync(() => api.get<ForwardMarket>('/forward'), []);
  const reloadMoney = () => {
    wallet.reload();
    statement.reload();
    subsidies.reload();
  };
  const reloadAll = () => {
    participant.reload();
    reloadMoney();
    bids.reload();
    settlements.reload();
    reputation.reload();
  };
  useLiveReload(['clock', 'period', 'bids', 'block'], reloadAll, 2000);

  const me = participant.data;
  // On a continuous-market deployment a participant trades through the order book, not sealed bids.
  const continuous = market.data?.parameters.mechanism === 'continuous';
  return (
    <div className="page" data-testid="account-page">
      <h1>
        {me ? me.name : t('account.title')}{' '}
        {me && <span className="muted small">{kindLabel(t, me.kind)}</span>}
      </h1>
      <ErrorBox error={participant.error} />
      {me && !me.authorised && (
        <p className="banner warn" data-testid="not-authorised">
          {t('account.notAuthorised')}
        </p>
      )}
      {me && (
        <p className="muted small">
          {t('account.registered')} <TxLink hash={me.transactionHash} />
          {me.meter ? ` · ${t('account.meter', { number: me.meter.number })}` : ` · ${t('account.noMeter')}`}
        </p>
      )}
      <div className="columns">
        {wallet.data ? (
          <WalletCard wallet={wallet.data} token={market.data?.token} />
        ) : (
          <ErrorBox error={wallet.error} />
        )}
        {canBid && me && !continuous && (
          <BidForm kind={me.kind} market={market} authorised={me.authorised} onPlaced={bids.reload} />
        )}
      </div>
      {canBid && me && continuous && (
        <ContinuousOrders kind={me.kind} authorised={me.authorised} nameOf={nameOf} onChanged={reloadMoney} />
      )}
      <div className="columns">
        {reputation.data ? (
          <ReputationCard reputation={reputation.data} token={market.data?.token} />
        ) : (
          <ErrorBox error={reputation.error} />
        )}
      </div>
      <div className="columns">
        <MoneyForm participantId={participantId} kind="deposit" onDone={reloadMoney} />
        <MoneyForm participantId={participantId} kind="withdrawal" onDone={reloadMoney} />
      </div>
      <section>
        <h2>{t('account.bids')}</h2>
        <ErrorBox error={bids.error} />
        <BidsTable bids={bids.data ?? []} />
      </section>
      <section>
        <h2>{t('account.settlements')}</h2>
        <ErrorBox error={settlements.error} />
        <SettlementsTable
          testId="my-settlements-table"
          fileName="settlements"
          settlements={settlements.data ?? []}
          by="period"
        />
      </section>
      {canBid && me && forward.data && (
        <ForwardPanel
          market={forward.data}
          viewer={{ role: 'participant', participantId, kind: me.kind }}
          onChanged={() => {
            forward.reload();
            reloadMoney();
          }}
        />
      )}
      {subsidies.data && (
        <section>
          <h2>{t('subsidy.title')}</h2>
          <SubsidiesCard subsidies={subsidies.data} />
        </section>
      )}
      <section>
        <h2>{t('account.statement')}</h2>
        <ErrorBox error={statement.error} />
        {statement.data && <StatementTable statement={statement.data} nameOfAccount={nameOfAccount} />}
      </section>
      {canBid && (
        <div className="columns">
          <PasswordForm />
        </div>
      )}
    </div>
  );
}
