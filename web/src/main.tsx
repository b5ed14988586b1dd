import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { LiveProvider } from './hooks/live';
import { SessionProvider } from './hooks/session';
import { I18nProvider } from './i18n/i18n';
import { RouterProvider } from './lib/router';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <RouterProvider>
        <SessionProvider>
          <LiveProvider>
            <App />
          </LiveProvider>
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  </StrictMode>,
);
