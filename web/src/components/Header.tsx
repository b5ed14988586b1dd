import { useI18n, languages } from '../i18n/i18n';
import { useSession } from '../hooks/session';
import { Link, useRouter } from '../lib/router';
import type { MessageKey } from '../i18n/en';

interface NavItem {
  to: string;
  label: MessageKey;
  testId: string;
}

export function Header() {
  const { t, lang, setLang } = useI18n();
  const { user, logout } = useSession();
  const { location, navigate } = useRouter();

  const items: NavItem[] = [];
  if (user?.role === 'participant') items.push({ to: '/me', label: 'nav.account', testId: 'nav-account' });
  if (user?.role === 'operator')
    items.push({ to: '/operator', label: 'nav.operator', testId: 'nav-operator' });
  items.push({ to: '/market', label: 'nav.market', testId: 'nav-market' });
  if (user) items.push({ to: '/charts', label: 'nav.charts', testId: 'nav-charts' });
  items.push({ to: '/explorer', label: 'nav.explorer', testId: 'nav-explorer' });

  const onLogout = () => {
    void logout().then(() => navigate('/login'));
  };

  return (
    <header className="header">
      <Link to="/" className="brand">
        {t('app.title')}
      </Link>
      <nav className="nav">
        {items.map((item) => (
          <Link
            key={item.to}
            to={item.to}
            testId={item.testId}
            className={location.path.startsWith(item.to) ? 'active' : undefined}
          >
            {t(item.label)}
          </Link>
        ))}
      </nav>
      <div className="header-end">
        <select
          data-testid="lang-switch"
          aria-label={t('header.language')}
          value={lang}
          onChange={(event) => setLang(event.target.value as typeof lang)}
        >
          {languages.map((option) => (
            <option key={option} value={option}>
              {option === 'en' ? 'English' : '中文'}
            </option>
          ))}
        </select>
        {user ? (
          <>
            <span className="user" data-testid="current-user">
              {user.username}
            </span>
            <button type="button" data-testid="logout" onClick={onLogout}>
              {t('header.logout')}
            </button>
          </>
        ) : (
          <Link to="/login" testId="nav-login">
            {t('header.login')}
          </Link>
        )}
      </div>
    </header>
  );
}
