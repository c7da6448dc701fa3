import { lazy, Suspense } from 'react';
import { Link, Navigate, Route, Routes } from 'react-router';
import { Anchor } from '@mantine/core';
import { StaffGate } from '../staff/StaffGate';
import { MantineArea } from '../components/MantineArea';
import { StaffLayout, type NavItem } from '../staff/StaffLayout';
import { Empty, Loading } from '../components/States';

// Each page is its own chunk; the chart library only loads with the pages that chart.
const KnowledgePage = lazy(() => import('./KnowledgePage'));
const ModelsPage = lazy(() => import('./ModelsPage'));
const EvaluationsPage = lazy(() => import('./EvaluationsPage'));
const TeamPage = lazy(() => import('./TeamPage'));
const LabelsPage = lazy(() => import('./LabelsPage'));
const TeamInboxesPage = lazy(() => import('./TeamInboxesPage'));
const SlaPage = lazy(() => import('./SlaPage'));
const JobsPage = lazy(() => import('./JobsPage'));
const StatusPage = lazy(() => import('./StatusPage'));
const AnalyticsPage = lazy(() => import('./AnalyticsPage'));
const ApiKeysPage = lazy(() => import('./ApiKeysPage'));
const WebhooksPage = lazy(() => import('./WebhooksPage'));
const SettingsPage = lazy(() => import('./SettingsPage'));
const AuditPage = lazy(() => import('./AuditPage'));

const NAV: NavItem[] = [
  { to: '/admin/knowledge', label: 'Knowledge base' },
  { to: '/admin/models', label: 'AI models' },
  { to: '/admin/evaluations', label: 'Evaluations' },
  { to: '/admin/team', label: 'Team' },
  { to: '/admin/inboxes', label: 'Team inboxes' },
  { to: '/admin/labels', label: 'Labels' },
  { to: '/admin/sla', label: 'SLA' },
  { to: '/admin/jobs', label: 'Failed jobs' },
  { to: '/admin/status', label: 'System status' },
  { to: '/admin/analytics', label: 'Analytics' },
  { to: '/admin/api-keys', label: 'API keys' },
  { to: '/admin/webhooks', label: 'Webhooks' },
  { to: '/admin/audit', label: 'Audit log' },
  { to: '/admin/settings', label: 'Settings' },
];

export default function AdminApp() {
  return (
    <MantineArea>
      <StaffGate roles={['ADMIN']} area="admin">
        <StaffLayout title="Admin" nav={NAV}>
          <Suspense fallback={<Loading label="Loading page…" />}>
            <Routes>
              <Route index element={<Navigate to="knowledge" replace />} />
              <Route path="knowledge" element={<KnowledgePage />} />
              <Route path="models" element={<ModelsPage />} />
              <Route path="evaluations" element={<EvaluationsPage />} />
              <Route path="team" element={<TeamPage />} />
              <Route path="inboxes" element={<TeamInboxesPage />} />
              <Route path="labels" element={<LabelsPage />} />
              <Route path="sla" element={<SlaPage />} />
              <Route path="jobs" element={<JobsPage />} />
              <Route path="status" element={<StatusPage />} />
              <Route path="analytics" element={<AnalyticsPage />} />
              <Route path="api-keys" element={<ApiKeysPage />} />
              <Route path="webhooks" element={<WebhooksPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="settings" element={<SettingsPage />} />
              <Route
                path="*"
                element={
                  <Empty title="There is no such admin page">
                    <Anchor component={Link} to="/admin/knowledge">
                      Go to the knowledge base
                    </Anchor>
                  </Empty>
                }
              />
            </Routes>
          </Suspense>
        </StaffLayout>
      </StaffGate>
    </MantineArea>
  );
}
