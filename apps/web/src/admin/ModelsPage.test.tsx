import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ModelConfigThresholdTradeoffDocument, ModelConfigsDocument } from '@switchboard/schema/client';
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
const configsMock = (configs: ReturnType<typeof config>[]) => ({
  request: { query: ModelConfigsDocument },
  result: { data: withTypenames('Query', { modelConfigs: configs }) },
});
const render = (configs: ReturnType<typeof config>[]) => renderWithProviders(<ModelsPage />, { mocks: [configsMock(configs)] });
const activation = /^(Activate|Roll back to) version/;

describe('ModelsPage', () => {
  it('without an A/B split, the active version takes all traffic and offers no activation; older ones offer a rollback', async () => {
    render([config(2, true, 0), config(1, false, 0)]);
    const rows = await screen.findAllByTestId('model-row');
    expect(rows[0]).toHaveTextContent('100%');
    expect(within(rows[0]!).queryByRole('button', { name: activation })).not.toBeInTheDocument();
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

  it("shows what each hand-off threshold would do from the version's latest evaluation run, marking the current one", async () => {
    const point = (threshold: number, answerRate: number, rightAnswerRate: number | null, outOfScopeAnswered: number | null) => ({
      threshold,
      answerRate,
      rightAnswerRate,
      outOfScopeAnswered,
    });
    const tradeoff = {
      runId: 'r1',
      currentThreshold: 0.35,
      cases: 12,
      outOfScopeCases: 2,
      points: [point(0.3, 0.9, 0.78, 0.5), point(0.35, 0.8, 0.85, 0), point(0.4, 0.5, null, null)],
    };
    renderWithProviders(<ModelsPage />, {
      mocks: [
        configsMock([config(1, true, 0)]),
        {
          request: { query: ModelConfigThresholdTradeoffDocument, variables: { modelConfigId: 'm1' } },
          result: { data: withTypenames('Query', { modelConfigThresholdTradeoff: tradeoff }) },
        },
      ],
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Threshold trade-off of version 1' }));
    const rows = await screen.findAllByTestId('tradeoff-row');
    expect(rows.map((r) => r.textContent)).toEqual(['0.3090%10%78%50%', '0.35current80%20%85%0%', '0.4050%50%——']);
    expect(screen.getByText(/10 answerable cases, 2 out of scope/)).toBeInTheDocument();
  });

  it('asks for an evaluation run when the version has none', async () => {
    renderWithProviders(<ModelsPage />, {
      mocks: [
        configsMock([config(1, true, 0)]),
        {
          request: { query: ModelConfigThresholdTradeoffDocument, variables: { modelConfigId: 'm1' } },
          result: { data: withTypenames('Query', { modelConfigThresholdTradeoff: null }) },
        },
      ],
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Threshold trade-off of version 1' }));
    expect(await screen.findByText('No evaluation run yet')).toBeInTheDocument();
  });
});
