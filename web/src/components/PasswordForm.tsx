import { useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { FormError, TextField, useSubmit } from './forms';

/** PUT /api/session/password, for whoever is logged in. */
export function PasswordForm() {
  const { t } = useI18n();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const submit = useSubmit(async () => {
    await api.put<unknown>('/session/password', { currentPassword, newPassword });
    setCurrentPassword('');
    setNewPassword('');
  });
  return (
    <form className="card" data-testid="password-form" onSubmit={submit.onSubmit}>
      <h2>{t('password.title')}</h2>
      <TextField
        label={t('password.current')}
        name="currentPassword"
        error={submit.error}
        testId="password-current"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        onChange={setCurrentPassword}
      />
      <TextField
        label={t('password.new')}
        name="newPassword"
        error={submit.error}
        testId="password-new"
        type="password"
        autoComplete="new-password"
        value={newPassword}
        onChange={setNewPassword}
      />
      <FormError error={submit.error} fields={['currentPassword', 'newPassword']} />
      <button type="submit" data-testid="password-submit" disabled={submit.pending}>
        {t('password.submit')}
      </button>
      {submit.done && (
        <p className="ok" data-testid="password-result">
          {t('password.changed')}
        </p>
      )}
    </form>
  );
}
