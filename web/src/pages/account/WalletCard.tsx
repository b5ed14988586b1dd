import type { Market, Wallet } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

export function WalletCard({ wallet, token }: { wallet: Wallet; token: Market['token'] | undefined }) {
  const { t } = useI18n();
  const unit = token?.symbol ?? '';
  const rows: [string, string, string][] = [
    ['balance', t('wallet.balance'), wallet.balance],
    ['debt', t('wallet.debt'), wallet.debt],
    ['withdrawable', t('wallet.withdrawable'), wallet.withdrawable],
    ['margin', t('wallet.margin'), wallet.margin],
  ];
  return (
    <section className="card" data-testid="wallet">
      <h2>{t('wallet.title')}</h2>
      <dl className="figures">
        {rows.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={`wallet-${key}`}>
              {trimZeros(value)} <span className="unit">{unit}</span>
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted small hash-full">{wallet.account}</p>
    </section>
  );
}
