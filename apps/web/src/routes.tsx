// Every area is its own chunk (React.lazy): the customer widget never loads the
// console, and the console never loads the charts until an admin page needs them.
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { RouteErrorBoundary } from './components/RouteErrorBoundary';

const HomePage = lazy(() => import('./HomePage'));
const WidgetPage = lazy(() => import('./widget/WidgetPage'));
const AgentApp = lazy(() => import('./agent/AgentApp'));
const AdminApp = lazy(() => import('./admin/AdminApp'));
const NotFound = lazy(() => import('./NotFound'));

/** Plain (no component library) so the shell stays tiny. */
function PageLoading() {
  return (
    <div className="sb-page-loading" role="status" aria-live="polite">
      <span className="sb-spinner" aria-hidden="true" />
      Loading…
    </div>
  );
}

export function AppRoutes() {
  return (
    <RouteErrorBoundary>
      <Suspense fallback={<PageLoading />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/chat" element={<WidgetPage />} />
          <Route path="/agent/*" element={<AgentApp />} />
          <Route path="/admin/*" element={<AdminApp />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </RouteErrorBoundary>
  );
}
