import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { AnalyticsDocument, LabelsDocument, ModelConfigsDocument, type AnalyticsQuery } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import { duration } from '../lib/format';
import AnalyticsPage, { customRange, rangeFor } from './AnalyticsPage';

const analytics: AnalyticsQuery['analytics'] = {
  conversationsCreated: 42,
  resolutionRate: 0.5,
  automatedResolutionRate: 0.25,
  handoffRate: 0.1,
  durableResolutionRate: null,
  ticketsCreated: 3,
  ticketsResolved: 1,
  slaBreaches: 2,
  ticketSla: { withTargets: 4, firstResponseBreached: 1, resolutionBreached: 1, attainmentRate: 0.5 },
  handoffReasons: [{ label: 'missing_knowledge', count: 4 }],
  conversationsByIntent: [
    { label: 'refund', count: 3 },
    { label: 'unknown', count: 1 },
  ],
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
        {
          request: { query: AnalyticsDocument, variables: (v: Record<string, unknown>) => v.granularity === 'DAY' && !('filter' in v) },
          result: { data: withTypenames('Query', { analytics }) },
        },
        { request: { query: ModelConfigsDocument }, result: { data: withTypenames('Query', { modelConfigs: [] }) } },
        { request: { query: LabelsDocument }, result: { data: withTypenames('Query', { labels: [] }) } },
      ],
    });
    expect(await screen.findByText('42')).toBeInTheDocument();
    expect(screen.getByText('Resolved by AI alone').parentElement).toHaveTextContent('25%');
    expect(screen.getByText('Overdue tickets').parentElement).toHaveTextContent('2');
    expect(screen.getByText('SLA attainment').parentElement).toHaveTextContent('50%');
    expect(screen.getByText('SLA attainment').parentElement).toHaveTextContent('1 first response, 1 resolution breach(es)');
    expect(screen.getByText('First response (median)').parentElement).toHaveTextContent('AI 1 s · human 4 min');
    expect(screen.getByRole('table', { name: 'Agent performance' })).toHaveTextContent('Alex Agent');
    expect(screen.getByRole('table', { name: 'AI usage' })).toHaveTextContent('1000 / 200');
  });

  it('formats durations and stable ranges', () => {
    expect(duration(null)).toBe('—');
    expect(duration(42)).toBe('42 s');
    expect(duration(0.42)).toBe('420 ms');
    expect(duration(4.25)).toBe('4.3 s');
    expect(duration(0)).toBe('0 s');
    expect(duration(5400)).toBe('1.5 h');
    // Tuesday 10 March 2026, 10:25 UTC: whole hours, whole days (7 bars), whole Monday-based weeks (12 bars).
    const now = new Date('2026-03-10T10:25:00Z');
    expect(rangeFor(1, 'HOUR', now)).toEqual({ from: '2026-03-09T11:00:00.000Z', to: '2026-03-10T11:00:00.000Z' });
    expect(rangeFor(7, 'DAY', now)).toEqual({ from: '2026-03-04T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' });
    expect(rangeFor(84, 'WEEK', now)).toEqual({ from: '2025-12-22T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' });
    expect(rangeFor(84, 'WEEK', new Date('2026-03-15T23:59:00Z')).to).toBe('2026-03-16T00:00:00.000Z'); // Sunday: this week ends tonight
  });

  it('turns a custom range of whole days into a query range and a readable granularity', () => {
    const local = (d: string) => new Date(`${d}T00:00:00`).toISOString();
    expect(customRange('2026-03-01', '2026-03-01')).toEqual({ range: { from: local('2026-03-01'), to: local('2026-03-02') }, granularity: 'HOUR' });
    expect(customRange('2026-03-01', '2026-03-31')).toMatchObject({ granularity: 'DAY', range: { to: local('2026-04-01') } });
    expect(customRange('2026-01-01', '2026-06-30')).toMatchObject({ granularity: 'WEEK' });
    expect(customRange('2026-03-02', '2026-03-01')).toEqual({ invalid: 'The end date is before the start date.' });
    expect(customRange('2024-01-01', '2026-01-01')).toEqual({ invalid: 'A range may span at most 400 days.' });
    expect(customRange('', '2026-01-01')).toEqual({ invalid: 'Enter both dates.' });
    expect(customRange('0001-01-01', '0001-01-02')).toEqual({ invalid: 'Choose dates between 2000 and 2099.' });
  });

  it('queries a custom range once it is applied, and refuses a backwards one', async () => {
    const asked: Record<string, unknown>[] = [];
    const result = { data: withTypenames('Query', { analytics }) };
    const matcher = (v: Record<string, unknown>) => (asked.push(v), true);
    renderWithProviders(<AnalyticsPage />, {
      mocks: [
        // The preset, the custom range's default (the last 7 days), the applied range.
        ...[1, 2, 3].map(() => ({ request: { query: AnalyticsDocument, variables: matcher }, result })),
        { request: { query: ModelConfigsDocument }, result: { data: withTypenames('Query', { modelConfigs: [] }) } },
        { request: { query: LabelsDocument }, result: { data: withTypenames('Query', { labels: [] }) } },
      ],
    });
    expect(await screen.findByText('42')).toBeInTheDocument();
    fireEvent.click(screen.getByText('Custom'));
    fireEvent.change(screen.getByLabelText('From', { exact: false }), { target: { value: '2026-03-05' } });
    fireEvent.change(screen.getByLabelText('To (inclusive)', { exact: false }), { target: { value: '2026-03-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('The end date is before the start date.')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('To (inclusive)', { exact: false }), { target: { value: '2026-03-05' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('42');
    await vi.waitFor(() => expect(asked.some((v) => v.granularity === 'HOUR')).toBe(true));
    const last = asked.find((v) => v.granularity === 'HOUR')!;
    expect(last.range).toEqual({ from: new Date('2026-03-05T00:00:00').toISOString(), to: new Date('2026-03-06T00:00:00').toISOString() });
    expect(screen.queryByText('The end date is before the start date.')).not.toBeInTheDocument();
  });
});
