import { useState } from 'react';
import { api } from '../../api/client';
import type { CouponProgramme, SubsidyProgramme } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { Address, TxLink } from '../../components/links';
import { FormError, TextField, useSubmit } from '../../components/forms';
import { useI18n } from '../../i18n/i18n';
import { trimZeros } from '../../lib/decimal';

/** The operator's subsidy steps: fund the pool, offer the first-use bonus, issue a year's coupons. */
export function SubsidyPanel({
  programme,
  onChanged,
}: {
  programme: SubsidyProgramme;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const [done, setDone] = useState<string | null>(null);
  const [bonus, setBonus] = useState('');
  const [funding, setFunding] = useState({ amount: '', reference: '' });
  const [coupons, setCoupons] = useState({
    year: String(new Date().getUTCFullYear()),
    value: '',
    expiresAfterPeriod: '',
  });
  const finish = (answer: { transactionHash: string }) => {
    setDone(answer.transactionHash);
    onChanged();
  };
  const setBonusSubmit = useSubmit(async () =>
    finish(
      await api.put<{ transactionHash: string }>('/subsidies/first-use-bonus', { amount: bonus.trim() }),
    ),
  );
  const fundSubmit = useSubmit(async () =>
    finish(
      await api.post<{ transactionHash: string }>('/subsidies/funding', {
        amount: funding.amount.trim(),
        reference: funding.reference.trim(),
      }),
    ),
  );
  const issueSubmit = useSubmit(async () =>
    finish(
      await api.post<{ transactionHash: string }>('/subsidies/coupons', {
        year: Number(coupons.year),
        value: coupons.value.trim(),
        expiresAfterPeriod: Number(coupons.expiresAfterPeriod),
      }),
    ),
  );
  const columns: Column<CouponProgramme>[] = [
    { header: t('col.year'), value: (c) => String(c.year) },
    { header: t('col.value'), value: (c) => trimZeros(c.value), numeric: true },
    { header: t('col.validFrom'), value: (c) => String(c.validFromPeriod), numeric: true },
    { header: t('col.expiresAfter'), value: (c) => String(c.expiresAfterPeriod), numeric: true },
  ];
  return (
    <section data-testid="subsidy-panel">
      <h2>{t('subsidy.pool')}</h2>
      <p>
        <Address address={programme.pool} /> · {t('subsidy.balance')}:{' '}
        <span data-testid="subsidy-balance">{trimZeros(programme.balance)}</span> · {t('subsidy.bonus')}:{' '}
        <span data-testid="subsidy-bonus">{trimZeros(programme.firstUseBonus)}</span>
      </p>
      <div className="columns">
        <form className="card" data-testid="subsidy-fund-form" onSubmit={fundSubmit.onSubmit}>
          <h3>{t('subsidy.fund')}</h3>
          <TextField
            label={t('field.amount')}
            name="amount"
            error={fundSubmit.error}
            testId="subsidy-fund-amount"
            inputMode="decimal"
            value={funding.amount}
            onChange={(amount) => setFunding({ ...funding, amount })}
          />
          <TextField
            label={t('field.fiatReference')}
            name="reference"
            error={fundSubmit.error}
            testId="subsidy-fund-reference"
            value={funding.reference}
            onChange={(reference) => setFunding({ ...funding, reference })}
          />
          <FormError error={fundSubmit.error} fields={['amount', 'reference']} />
          <button type="submit" data-testid="subsidy-fund-submit" disabled={fundSubmit.pending}>
            {t('subsidy.fundSubmit')}
          </button>
        </form>
        <form className="card" data-testid="subsidy-bonus-form" onSubmit={setBonusSubmit.onSubmit}>
          <h3>{t('subsidy.bonus')}</h3>
          <TextField
            label={t('field.amount')}
            name="amount"
            error={setBonusSubmit.error}
            testId="subsidy-bonus-amount"
            inputMode="decimal"
            value={bonus}
            onChange={setBonus}
          />
          <FormError error={setBonusSubmit.error} fields={['amount']} />
          <button type="submit" data-testid="subsidy-bonus-submit" disabled={setBonusSubmit.pending}>
            {t('subsidy.setBonus')}
          </button>
        </form>
        <form className="card" data-testid="subsidy-coupons-form" onSubmit={issueSubmit.onSubmit}>
          <h3>{t('subsidy.issue')}</h3>
          <TextField
            label={t('field.year')}
            name="year"
            error={issueSubmit.error}
            testId="subsidy-coupons-year"
            inputMode="numeric"
            value={coupons.year}
            onChange={(year) => setCoupons({ ...coupons, year })}
          />
          <TextField
            label={t('field.couponValue')}
            name="value"
            error={issueSubmit.error}
            testId="subsidy-coupons-value"
            inputMode="decimal"
            value={coupons.value}
            onChange={(value) => setCoupons({ ...coupons, value })}
          />
          <TextField
            label={t('field.expiresAfterPeriod')}
            name="expiresAfterPeriod"
            error={issueSubmit.error}
            testId="subsidy-coupons-expiry"
            inputMode="numeric"
            value={coupons.expiresAfterPeriod}
            onChange={(expiresAfterPeriod) => setCoupons({ ...coupons, expiresAfterPeriod })}
          />
          <FormError error={issueSubmit.error} fields={['year', 'value', 'expiresAfterPeriod']} />
          <button type="submit" data-testid="subsidy-coupons-submit" disabled={issueSubmit.pending}>
            {t('subsidy.issueSubmit')}
          </button>
        </form>
      </div>
      {done !== null && (
        <p className="ok" data-testid="subsidy-result">
          {t('subsidy.done')} <TxLink hash={done} />
        </p>
      )}
      <DataTable
        testId="coupon-programmes-table"
        fileName="coupon-programmes"
        columns={columns}
        rows={programme.programmes}
        rowKey={(c) => c.programmeId}
      />
    </section>
  );
}
