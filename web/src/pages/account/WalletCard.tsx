import type { ReactNode } from 'react';
import type { Market, Wallet } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Figures } from '../../components/Figures';
import { trimZeros } from '../../lib/decimal';

export function WalletCard({ wallet, token }: { wallet: Wallet; token: Market['token'] | undefined }) {
  const { t } = useI18n();
  const unit = token?.symbol ?? '';
  const figures: [string, string, string][] = [
    ['balance', t('wallet.balance'), wallet.balance],
    ['debt', t('wallet.debt'), wallet.debt],
    ['withdrawable', t('wallet.withdrawable'), wallet.withdrawable],
    ['margin', t('wallet.margin'), wallet.margin],
  ];
  const rows = figures.map(([key, label, value]): [string, string, ReactNode] => [
    key,
    label,
    <>
      {trimZeros(value)} <span className="unit">{unit}</span>
    </>,
  ]);
  return (
    <section className="card" data-testid="wallet">
      <h2>{t('wallet.title')}</h2>
      <Figures testId="wallet" rows={rows} />
      <p className="muted small hash-full">{wallet.account}</p>
    </section>
  );
}
