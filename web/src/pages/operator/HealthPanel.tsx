import type { ReactNode } from 'react';
import type { Health } from '../../api/types';
import { BlockLink } from '../../components/links';
import { useI18n } from '../../i18n/i18n';
import { formatChainTime, formatWallTime } from '../../lib/time';

type ServiceName = keyof Health;

function Service({ name, ok, children }: { name: ServiceName; ok: boolean; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className={`health ${ok ? 'health-ok' : 'health-bad'}`} data-testid={`health-${name}`} data-ok={ok}>
      <h3>
        {t(`health.${name}`)} <span className="badge">{ok ? t('health.ok') : t('health.down')}</span>
      </h3>
      <dl className="details">{children}</dl>
    </div>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Chain, indexer, keeper and meter gateway as GET /api/health reports them. */
export function HealthPanel({ health }: { health: Health }) {
  const { t } = useI18n();
  const { chain, indexer, keeper, gateway } = health;
  return (
    <div className="health-grid" data-testid="health">
      <Service name="chain" ok={chain.ok}>
        <Item label={t('health.chainId')}>{chain.chainId}</Item>
        <Item label={t('health.block')}>
          <BlockLink number={chain.blockNumber} />
        </Item>
        <Item label={t('health.chainTime')}>{formatChainTime(chain.chainTime)}</Item>
        {chain.error && <Item label={t('health.lastError')}>{chain.error}</Item>}
      </Service>
      <Service name="indexer" ok={indexer.ok}>
        <Item label={t('health.indexedBlock')}>
          <BlockLink number={indexer.indexedBlock} />
        </Item>
        <Item label={t('health.lag')}>{indexer.lag ?? '—'}</Item>
      </Service>
      <Service name="keeper" ok={keeper.ok}>
        <Item label={t('health.lastTick')}>{formatWallTime(keeper.lastTickAt)}</Item>
        <Item label={t('health.lastAction')}>{keeper.lastAction ?? '—'}</Item>
        <Item label={t('health.lastError')}>{keeper.lastError ?? '—'}</Item>
      </Service>
      <Service name="gateway" ok={gateway.ok}>
        <Item label={t('health.meters')}>{gateway.meters}</Item>
        <Item label={t('health.lastBoundary')}>{gateway.lastBoundary ?? '—'}</Item>
        <Item label={t('health.queued')}>{gateway.queued}</Item>
        <Item label={t('health.unreachable')}>
          {typeof gateway.unreachable === 'number'
            ? gateway.unreachable
            : gateway.unreachable.length === 0
              ? '0'
              : gateway.unreachable.join(', ')}
        </Item>
        {gateway.lastError && <Item label={t('health.lastError')}>{gateway.lastError}</Item>}
      </Service>
    </div>
  );
}
