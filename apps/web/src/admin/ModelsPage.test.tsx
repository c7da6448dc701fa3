import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { ModelConfigsDocument } from '@switchboard/schema/client';
import { renderWithProviders, withTypenames } from '../test/render';
import ModelsPage from './ModelsPage';

const config = (version: number, active: boolean, trafficWeight: number) => ({
  id: `m${version}`,
  version,
  name: `Config ${version}`,
  provider: 'local',
  model: 'local',
  temperature: 0.2,
  systemPrompt: null,
  k: 5,
  confidenceThreshold: 0.35,
  active,
  trafficWeight,
  createdAt: '2026-11-01T00:00:00Z',
});
const render = (configs: ReturnType<typeof config>[]) =>
  renderWithProviders(<ModelsPage />, { mocks: [{ request: { query: ModelConfigsDocument }, result: { data: withTypenames('Query', { modelConfigs: configs }) } }] });

describe('ModelsPage', () => {
  it('without an A/B split, the active version takes all traffic and offers no activation; older ones offer a rollback', async () => {
    render([config(2, true, 0), config(1, false, 0)]);
    const rows = await screen.findAllByTestId('model-row');
    expect(rows[0]).toHaveTextContent('100%');
    expect(within(rows[0]!).queryByRole('button')).not.toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('—');
    expect(within(rows[1]!).getByRole('button', { name: 'Roll back to version 1' })).toBeInTheDocument();
  });

  it('during a split, shows each share and lets the active version take everything back', async () => {
    render([config(2, false, 30), config(1, true, 70)]);
    const rows = await screen.findAllByTestId('model-row');
    expect(rows[0]).toHaveTextContent('30%');
    expect(rows[1]).toHaveTextContent('70%');
    expect(within(rows[1]!).getByRole('button', { name: 'Activate version 1' })).toBeInTheDocument();
  });
});
