import { useState } from 'react';
import type { ApiError } from '../api/client';
import type { Kind, User } from '../api/types';
import { Field, FormError, TextField, useSubmit } from '../components/forms';
import { kindLabel } from '../components/labels';
import { useSession } from '../hooks/session';
import { useI18n } from '../i18n/i18n';
import { useRouter } from '../lib/router';

const kinds: readonly Kind[] = ['producer', 'consumer', 'prosumer'];

interface CredentialsState {
  username: string;
  password: string;
  setUsername: (value: string) => void;
  setPassword: (value: string) => void;
}

function useCredentials(): CredentialsState {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return { username, password, setUsername, setPassword };
}

/** User name and password, for logging in (`login-…`) or signing up (`signup-…`, a new password). */
function Credentials({
  prefix,
  credentials,
  error,
}: {
  prefix: 'login' | 'signup';
  credentials: CredentialsState;
  error: ApiError | null;
}) {
  const { t } = useI18n();
  return (
    <>
      <TextField
        label={t('field.username')}
        name="username"
        error={error}
        testId={`${prefix}-username`}
        autoComplete="username"
        value={credentials.username}
        onChange={credentials.setUsername}
      />
      <TextField
        label={t('field.password')}
        name="password"
        error={error}
        testId={`${prefix}-password`}
        type="password"
        autoComplete={prefix === 'login' ? 'current-password' : 'new-password'}
        value={credentials.password}
        onChange={credentials.setPassword}
      />
    </>
  );
}

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
  const credentials = useCredentials();
  const { username, password } = credentials;
  const submit = useSubmit(async () => navigate(homeOf(await login(username, password))));
  return (
    <form className="card" data-testid="login-form" onSubmit={submit.onSubmit}>
      <h2>{t('login.title')}</h2>
      <Credentials prefix="login" credentials={credentials} error={submit.error} />
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
  const credentials = useCredentials();
  const { username, password } = credentials;
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
      <Credentials prefix="signup" credentials={credentials} error={submit.error} />
      <TextField
        label={t('field.displayName')}
        name="name"
        error={submit.error}
        testId="signup-name"
        value={name}
        onChange={setName}
      />
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
