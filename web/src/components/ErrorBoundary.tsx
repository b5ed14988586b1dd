import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Shown instead of the page that failed to render. */
  fallback: (error: Error) => ReactNode;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/**
 * Keeps a page that fails to render (an answer of an unexpected shape) from blanking the whole app:
 * the header and language switch stay, and the next navigation (a new `key`) tries again.
 * A class because React offers error boundaries only as classes.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed to render:', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.error === null ? this.props.children : this.props.fallback(this.state.error);
  }
}
