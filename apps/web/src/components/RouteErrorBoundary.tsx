import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** Catches render errors and failed chunk loads (e.g. after a deploy) with a way out. */
export class RouteErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Switchboard UI error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const chunk = /dynamically imported module|Failed to fetch|Importing a module script failed/i.test(this.state.error.message);
    return (
      <div role="alert" style={{ maxWidth: 480, margin: '3rem auto', padding: '0 1rem', textAlign: 'center' }}>
        <h1 style={{ fontSize: '1.25rem' }}>{chunk ? 'Could not load this page' : 'Something went wrong'}</h1>
        <p>{chunk ? 'Check your connection, then reload.' : 'An unexpected error occurred in the page.'}</p>
        <button type="button" onClick={() => window.location.reload()} style={{ font: 'inherit', padding: '0.5rem 1rem' }}>
          Reload
        </button>
      </div>
    );
  }
}
