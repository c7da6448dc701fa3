import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { AnalyticsDocument, ModelConfigsDocument, type AnalyticsQuery } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import AnalyticsPage, { duration, rangeFor } from './AnalyticsPage';

const analytics: AnalyticsQuery['analytics'] = {
  conversationsCreated: 42,
  resolutionRate: 0.5,
  automatedResolutionRate: 0.25,
  handoffRate: 0.1,
  durableResolutionRate: null,
  ticketsCreated: 3,
  ticketsResolved: 1,
  slaBreaches: 2,
  handoffReasons: [{ label: 'missing_knowledge', count: 4 }],
  messagesByAuthorType: [{ label: 'AI', count: 10 }],
  firstResponseTime: { count: 40, avgSeconds: 5, medianSeconds: 2, p90Seconds: 30 },
  firstResponseTimeAi: { medianSeconds: 1 },
  firstResponseTimeHuman: { medianSeconds: 240 },
  resolutionTime: { count: 21, avgSeconds: 3600, medianSeconds: 1800, p90Seconds: 7200 },
  csat: { score: 80, responseRate: 0.5, ratings: 10 },
  csatAi: { score: 90, ratings: 4 },
  csatHuman: { score: 70, ratings: 6 },
  ticketBacklog: [{ status: 'OPEN', priority: 'HIGH', count: 2 }],
  agents: [{ agent: { id: 'u1', name: 'Alex Agent' }, handled: 12, firstResponseMedianSeconds: 60, resolutionMedianSeconds: 900, csatScore: 75 }],
  aiUsage: [{ modelConfigId: 'm1', answers: 30, promptTokens: 1000, completionTokens: 200, avgLatencyMs: 120 }],
  timeseries: [],
};

describe('AnalyticsPage', () => {
  it('shows the headline metrics, agents and AI usage from the analytics query', async () => {
    renderWithProviders(<AnalyticsPage />, {
      mocks: [
        { request: { query: AnalyticsDocument }, variableMatcher: (v: Record<string, unknown>) => v.granularity === 'DAY' && !('filter' in v), result: { data: withTypenames('Query', { analytics }) } },
        { request: { query: ModelConfigsDocument }, result: { data: withTypenames('Query', { modelConfigs: [] }) } },
      ],
    });
    expect(await screen.findByText('42')).toBeInTheDocument();
    expect(screen.getByText('Resolved by AI alone').parentElement).toHaveTextContent('25%');
    expect(screen.getByText('SLA breaches').parentElement).toHaveTextContent('2');
    expect(screen.getByText('First response (median)').parentElement).toHaveTextContent('AI 1 s · human 4 min');
    expect(screen.getByRole('table', { name: 'Agent performance' })).toHaveTextContent('Alex Agent');
    expect(screen.getByRole('table', { name: 'AI usage' })).toHaveTextContent('1000 / 200');
  });

  it('formats durations and stable ranges', () => {
    expect(duration(null)).toBe('—');
    expect(duration(42)).toBe('42 s');
    expect(duration(5400)).toBe('1.5 h');
    const r = rangeFor(7, new Date('2026-03-10T10:25:00Z'));
    expect(r).toEqual({ from: '2026-03-03T11:00:00.000Z', to: '2026-03-10T11:00:00.000Z' });
  });
});
