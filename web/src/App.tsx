import { useEffect, type ReactNode } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Header } from './components/Header';
import { useSession } from './hooks/session';
import { useI18n } from './i18n/i18n';
import { matchPath, useRouter } from './lib/router';
import { AccountPage } from './pages/AccountPage';
import { ChartsPage } from './pages/ChartsPage';
import { ExplorerPage } from './pages/ExplorerPage';
import { homeOf, LoginPage } from './pages/LoginPage';
import { MarketPage } from './pages/MarketPage';
import { OperatorPage } from './pages/OperatorPage';
import { TradeFlowPage } from './pages/TradeFlowPage';

function Redirect({ to }: { to: string }) {
  const { navigate } = useRouter();
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Message({ text, testId }: { text: string; testId: string }) {
  return (
    <p className="banner" data-testid={testId}>
      {text}
    </p>
  );
}

/** The page for the current path; pages that need a role say so instead of failing on a 401/403. */
function Routes(): ReactNode {
  const { t } = useI18n();
  const { user } = useSession();
  const { location } = useRouter();
  const path = location.path.replace(/\/+$/, '') || '/';

  if (user === undefined) return <p className="muted">{t('common.loading')}</p>;
  if (path === '/') return <Redirect to={user ? homeOf(user) : '/login'} />;
  if (path === '/login') return user ? <Redirect to={homeOf(user)} /> : <LoginPage />;
  if (path === '/market') return <MarketPage />;
  if (path === '/explorer' || path.startsWith('/explorer/')) return <ExplorerPage />;
  const trade = matchPath('/trades/:hash/:logIndex', path);
  if (trade) return <TradeFlowPage transactionHash={trade.hash!} logIndex={Number(trade.logIndex)} />;
  if (user === null) return <Redirect to="/login" />;
  if (path === '/charts') return <ChartsPage />;
  if (path === '/me') {
    if (user.participantId === null) return <Message text={t('common.notParticipant')} testId="forbidden" />;
    return <AccountPage key={user.participantId} participantId={user.participantId} canBid />;
  }
  const participant = matchPath('/participants/:id', path);
  if (participant && user.role === 'operator') {
    const id = Number(participant.id);
    return <AccountPage key={id} participantId={id} canBid={false} />;
  }
  if (path === '/operator') {
    return user.role === 'operator' ? (
      <OperatorPage />
    ) : (
      <Message text={t('common.operatorOnly')} testId="forbidden" />
    );
  }
  return <Message text={t('common.notFound')} testId="not-found" />;
}

export function App() {
  const { t } = useI18n();
  const { location } = useRouter();
  return (
    <>
      <Header />
      <main className="main">
        <ErrorBoundary
          key={location.path}
          fallback={(error) => (
            <Message text={t('common.pageFailed', { message: error.message })} testId="page-error" />
          )}
        >
          <Routes />
        </ErrorBoundary>
      </main>
    </>
  );
}
