import { useState } from 'react';
import type { Kind, User } from '../api/types';
import { Field, FormError, useSubmit } from '../components/forms';
import { kindLabel } from '../components/labels';
import { useSession } from '../hooks/session';
import { useI18n } from '../i18n/i18n';
import { useRouter } from '../lib/router';

const kinds: readonly Kind[] = ['producer', 'consumer', 'prosumer'];

/** Where each role starts. */
export function homeOf(user: User): string {
  return user.role === 'operator' ? '/operator' : '/me';
}

export function LoginPage() {
  return (
    <div className="columns">
      <LoginForm />
      <SignUpForm />
    </div>
  );
}

function LoginForm() {
  const { t } = useI18n();
  const { login } = useSession();
  const { navigate } = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit(async () => navigate(homeOf(await login(username, password))));
  return (
    <form className="card" data-testid="login-form" onSubmit={submit.onSubmit}>
      <h2>{t('login.title')}</h2>
      <Field label={t('field.username')} name="username" error={submit.error}>
        <input
          data-testid="login-username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
        />
      </Field>
      <Field label={t('field.password')} name="password" error={submit.error}>
        <input
          data-testid="login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
      </Field>
      <FormError error={submit.error} fields={['username', 'password']} />
      <button type="submit" data-testid="login-submit" disabled={submit.pending}>
        {t('login.submit')}
      </button>
    </form>
  );
}

function SignUpForm() {
  const { t } = useI18n();
  const { signUp } = useSession();
  const { navigate } = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('prosumer');
  const [greenSupply, setGreenSupply] = useState(false);
  const [greenPreference, setGreenPreference] = useState(false);
  // Green supply is a seller's property, green preference a buyer's: only the kinds that sell or buy
  // may set them, and a kind change clears what no longer applies.
  const sells = kind !== 'consumer';
  const buys = kind !== 'producer';
  const submit = useSubmit(async () =>
    navigate(
      homeOf(
        await signUp({
          username,
          password,
          name,
          kind,
          greenSupply: sells && greenSupply,
          greenPreference: buys && greenPreference,
        }),
      ),
    ),
  );
  const fields = ['username', 'password', 'name', 'kind', 'greenSupply', 'greenPreference'];
  return (
    <form className="card" data-testid="signup-form" onSubmit={submit.onSubmit}>
      <h2>{t('signup.title')}</h2>
      <Field label={t('field.username')} name="username" error={submit.error}>
        <input
          data-testid="signup-username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
        />
      </Field>
      <Field label={t('field.password')} name="password" error={submit.error}>
        <input
          data-testid="signup-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
      </Field>
      <Field label={t('field.displayName')} name="name" error={submit.error}>
        <input
          data-testid="signup-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
        />
      </Field>
      <Field label={t('field.kind')} name="kind" error={submit.error}>
        <select
          data-testid="signup-kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as Kind)}
        >
          {kinds.map((option) => (
            <option key={option} value={option}>
              {kindLabel(t, option)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('field.greenSupply')} name="greenSupply" error={submit.error}>
        <input
          data-testid="signup-green-supply"
          type="checkbox"
          disabled={!sells}
          checked={sells && greenSupply}
          onChange={(event) => setGreenSupply(event.target.checked)}
        />
      </Field>
      <Field label={t('field.greenPreference')} name="greenPreference" error={submit.error}>
        <input
          data-testid="signup-green-preference"
          type="checkbox"
          disabled={!buys}
          checked={buys && greenPreference}
          onChange={(event) => setGreenPreference(event.target.checked)}
        />
      </Field>
      <FormError error={submit.error} fields={fields} />
      <button type="submit" data-testid="signup-submit" disabled={submit.pending}>
        {t('signup.submit')}
      </button>
    </form>
  );
}
