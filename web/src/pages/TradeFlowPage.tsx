import { api } from '../api/client';
import type { FlowRecord, FlowStep, Reason, TradeFlow, TradeStage } from '../api/types';
import { ErrorBox } from '../components/forms';
import { reasonLabel, sideLabel, stageLabel, yesNo } from '../components/labels';
import { Address, BlockLink, shortHash, TxLink } from '../components/links';
import { useLiveReload } from '../hooks/live';
import { useParticipants } from '../hooks/useParticipants';
import { useAsync } from '../hooks/useAsync';
import type { MessageKey } from '../i18n/en';
import { useI18n, type Translate } from '../i18n/i18n';
import { trimZeros } from '../lib/decimal';
import { Link } from '../lib/router';
import { formatChainTime } from '../lib/time';

/** The path of a trade's flow view: a trade is named by its TradeMatched event's transaction and log. */
export const tradeFlowPath = (trade: { transactionHash: string; logIndex: number }) =>
  `/trades/${trade.transactionHash}/${trade.logIndex}`;

/** The seven steps of one trade as a vertical timeline, each record linking to the explorer. */
export function TradeFlowPage({ transactionHash, logIndex }: { transactionHash: string; logIndex: number }) {
  const { t } = useI18n();
  const flow = useAsync(
    () => api.get<TradeFlow>(`/trades/${transactionHash}/${logIndex}/flow`),
    [transactionHash, logIndex],
  );
  // A pending step moves on as blocks arrive (readings, settlement).
  useLiveReload(['block'], flow.reload, 2000);
  const names = useParticipants();
  const { nameOf } = names;
  const data = flow.data;
  return (
    <div className="page" data-testid="trade-flow-page">
      <h1>{t('flow.title')}</h1>
      <ErrorBox error={flow.error} />
      {data && (
        <>
          <dl className="details" data-testid="flow-trade">
            <dt>{t('col.period')}</dt>
            <dd>
              <Link to={`/market?period=${data.trade.period}`}>{data.trade.period}</Link>
            </dd>
            <dt>{t('col.seller')}</dt>
            <dd>{nameOf(data.trade.sellerId)}</dd>
            <dt>{t('col.buyer')}</dt>
            <dd>{nameOf(data.trade.buyerId)}</dd>
            <dt>{t('col.quantityKwh')}</dt>
            <dd>{trimZeros(data.trade.quantity)}</dd>
            <dt>{t('col.pricePerKwh')}</dt>
            <dd>{trimZeros(data.trade.price)}</dd>
            <dt>{t('col.stage')}</dt>
            <dd>{stageLabel(t, data.trade.stage)}</dd>
          </dl>
          <ol className="timeline" data-testid="trade-flow">
            {data.steps.map((step) => (
              <StepItem key={step.key} step={step} names={names} />
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

type Names = Pick<ReturnType<typeof useParticipants>, 'nameOf' | 'nameOfAccount'>;

function StepItem({ step, names }: { step: FlowStep; names: Names }) {
  const { t } = useI18n();
  return (
    <li
      className={`timeline-step timeline-${step.status}`}
      data-testid={`flow-step-${step.number}`}
      data-step={step.key}
      data-status={step.status}
    >
      <h2>
        {step.number}. {t(`flow.step.${step.key}` as MessageKey)}{' '}
        <span className="muted" data-testid={`flow-step-${step.number}-status`}>
          {t(`flow.status.${step.status}` as MessageKey)}
        </span>
      </h2>
      <p className="muted">{t(`flow.about.${step.key}` as MessageKey)}</p>
      {step.waitingFor && (
        <p data-testid="flow-waiting">
          {t(`flow.waiting.${step.waitingFor.what}` as MessageKey, {
            until: step.waitingFor.until === null ? '' : formatChainTime(step.waitingFor.until),
          })}
        </p>
      )}
      <ul className="timeline-records">
        {step.records.map((record, i) => (
          <RecordItem key={i} record={record} names={names} />
        ))}
      </ul>
    </li>
  );
}

function RecordItem({ record, names }: { record: FlowRecord; names: Names }) {
  const { t } = useI18n();
  const values = Object.entries(record.values).filter(([, value]) => value !== null);
  return (
    <li
      data-testid="flow-record"
      data-party={record.party ?? ''}
      data-event={record.event}
      data-status={record.status}
    >
      {record.party && (
        <strong>
          {t(`flow.party.${record.party}` as MessageKey)} {names.nameOf(record.participantId)}:{' '}
        </strong>
      )}
      <code>{record.event}</code>{' '}
      {record.status === 'recorded' ? (
        <>
          <TxLink hash={record.transactionHash} /> · {t('col.block')}{' '}
          <BlockLink number={record.blockNumber} />
        </>
      ) : (
        <span className="muted">{t(`flow.record.${record.status}` as MessageKey)}</span>
      )}
      {values.length > 0 && (
        <span className="timeline-values">
          {values.map(([key, value]) => (
            <span key={key}>
              {valueName(t, key)}: <ValueText name={key} value={value!} names={names} />
            </span>
          ))}
        </span>
      )}
    </li>
  );
}

function valueName(t: Translate, key: string): string {
  const text = t(`flow.value.${key}` as MessageKey);
  return text === `flow.value.${key}` ? key : text;
}

function ValueText({ name, value, names }: { name: string; value: string | number | boolean; names: Names }) {
  const { t } = useI18n();
  if (typeof value === 'boolean') return <>{yesNo(t, value)}</>;
  if (name === 'side') return <>{sideLabel(t, value as 'sell' | 'buy')}</>;
  if (name === 'stage') return <>{stageLabel(t, value as TradeStage)}</>;
  if (name === 'reason') return <>{reasonLabel(t, value as Reason)}</>;
  if (name === 'sellerId' || name === 'buyerId') return <>{names.nameOf(Number(value))}</>;
  const text = String(value);
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) {
    // A participant by its name; another account (the public grid) as its address.
    const named = names.nameOfAccount(text);
    return named === text ? <Address address={text} /> : <span title={text}>{named}</span>;
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(text))
    return (
      <span className="hash" title={text}>
        {shortHash(text)}
      </span>
    );
  return <>{/^-?\d+\.\d+$/.test(text) ? trimZeros(text) : text}</>;
}
