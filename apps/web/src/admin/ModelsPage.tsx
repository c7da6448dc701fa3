import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Badge, Button, Group, Modal, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import {
  ActivateModelConfigDocument,
  CreateModelConfigDocument,
  ModelConfigThresholdTradeoffDocument,
  ModelConfigsDocument,
  SetModelTrafficSplitDocument,
  type AiProvider,
  type ModelConfigFieldsFragment,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

export default function ModelsPage() {
  const { data, loading, error, refetch } = useQuery(ModelConfigsDocument, { fetchPolicy: 'cache-and-network' });
  const [creating, setCreating] = useState(false);
  const [tradeoffOf, setTradeoffOf] = useState<ModelConfigFieldsFragment | null>(null);
  const [activate, activateState] = useMutation(ActivateModelConfigDocument, { refetchQueries: [ModelConfigsDocument] });
  const configs = data?.modelConfigs ?? [];
  const active = configs.find((c) => c.active);
  // Without an A/B split (all weights 0) the active version answers everything.
  const splitting = configs.some((c) => c.trafficWeight > 0);

  return (
    <Page
      title="AI model configurations"
      description="Versions of how the assistant answers. Activating a version promotes it (or rolls back to it) and ends any A/B split."
      actions={<Button onClick={() => setCreating(true)}>New version</Button>}
    >
      {error && <ErrorNotice error={error} title="Could not load configurations" onRetry={() => void refetch()} />}
      {activateState.error && <ErrorNotice error={activateState.error} title="Could not activate" />}
      {loading && !data && <Loading label="Loading configurations…" />}
      {data && configs.length === 0 && <Empty title="No configurations yet">The first answer creates a default one, or add a version now.</Empty>}
      {configs.length > 0 && (
        <Table.ScrollContainer minWidth={860}>
          <Table striped verticalSpacing="xs" aria-label="Model configurations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Provider / model</Table.Th>
                <Table.Th>Temperature</Table.Th>
                <Table.Th>k</Table.Th>
                <Table.Th>Hand-off below</Table.Th>
                <Table.Th>Traffic</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>
                  <span className="sb-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {configs.map((c) => (
                <Table.Tr key={c.id} data-testid="model-row">
                  <Table.Td>
                    <Group gap={4}>
                      v{c.version}
                      {c.active && (
                        <Badge color="green" size="sm">
                          active
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>
                    {c.provider}
                    {c.provider === 'openai' ? ` / ${c.model}` : ''}
                  </Table.Td>
                  <Table.Td>{c.temperature}</Table.Td>
                  <Table.Td>{c.k}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {c.confidenceThreshold}
                      <Button size="compact-xs" variant="subtle" onClick={() => setTradeoffOf(c)} aria-label={`Threshold trade-off of version ${c.version}`}>
                        trade-off
                      </Button>
                    </Group>
                  </Table.Td>
                  <Table.Td>{splitting ? `${c.trafficWeight}%` : c.active ? '100%' : '—'}</Table.Td>
                  <Table.Td>{dateTime(c.createdAt)}</Table.Td>
                  <Table.Td>
                    {!c.active || splitting ? (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={activateState.loading && activateState.data?.activateModelConfig.id === c.id}
                        onClick={() => void activate({ variables: { id: c.id } }).catch(() => undefined)}
                        aria-label={`${active && c.version < active.version ? 'Roll back to' : 'Activate'} version ${c.version}`}
                      >
                        {active && c.version < active.version ? 'Roll back to this' : 'Activate'}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {configs.length > 1 && <TrafficSplit configs={configs} splitting={splitting} />}
      <CreateModal opened={creating} onClose={() => setCreating(false)} />
      <TradeoffModal config={tradeoffOf} onClose={() => setTradeoffOf(null)} />
    </Page>
  );
}

const pct = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x * 100)}%`);

/**
 * What each hand-off threshold would do, from the version's latest completed
 * evaluation run: answering more questions also lets more wrong and
 * out-of-scope answers through.
 */
export function TradeoffModal({ config, onClose }: { config: ModelConfigFieldsFragment | null; onClose(): void }) {
  const { data, loading, error } = useQuery(ModelConfigThresholdTradeoffDocument, {
    variables: { modelConfigId: config?.id ?? '' },
    skip: !config,
    fetchPolicy: 'cache-and-network',
  });
  const t = data?.modelConfigThresholdTradeoff;
  return (
    <Modal opened={Boolean(config)} onClose={onClose} title={config ? `Hand-off threshold of v${config.version} (${config.name})` : ''} size="lg">
      {error && <ErrorNotice error={error} title="Could not load the trade-off" compact />}
      {loading && !data && <Loading label="Loading the trade-off…" />}
      {data && !t && (
        <Empty title="No evaluation run yet">
          Run an evaluation of this version to see what each threshold would do. Add cases the knowledge base should not answer (with no expected FAQ) to see
          how many of those would be answered anyway.
        </Empty>
      )}
      {t && (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            From its latest evaluation run ({t.cases - t.outOfScopeCases} answerable cases, {t.outOfScopeCases} out of scope). Below the threshold the
            conversation goes to a person: a higher threshold answers fewer questions, more of them right, and fewer out-of-scope ones.
          </Text>
          <Table striped verticalSpacing={4} aria-label="Threshold trade-off">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Threshold</Table.Th>
                <Table.Th>Answered</Table.Th>
                <Table.Th>Handed off</Table.Th>
                <Table.Th>Answers citing the right FAQ</Table.Th>
                <Table.Th>Out-of-scope answered</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {t.points.map((p) => {
                const current = Math.abs(p.threshold - t.currentThreshold) < 0.025;
                return (
                  <Table.Tr key={p.threshold} data-testid="tradeoff-row" fw={current ? 700 : undefined}>
                    <Table.Td>
                      {p.threshold.toFixed(2)}
                      {current && (
                        <Badge size="xs" ml={6}>
                          current
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{pct(p.answerRate)}</Table.Td>
                    <Table.Td>{pct(1 - p.answerRate)}</Table.Td>
                    <Table.Td>{pct(p.rightAnswerRate)}</Table.Td>
                    <Table.Td>{pct(p.outOfScopeAnswered)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Modal>
  );
}

function TrafficSplit({ configs, splitting }: { configs: ModelConfigFieldsFragment[]; splitting: boolean }) {
  const [weights, setWeights] = useState<Record<string, number>>({});
  // Without a split, start from what happens now: the active version takes everything.
  useEffect(() => setWeights(Object.fromEntries(configs.map((c) => [c.id, splitting ? c.trafficWeight : c.active ? 100 : 0]))), [configs, splitting]);
  const [save, { loading, error, data }] = useMutation(SetModelTrafficSplitDocument, { refetchQueries: [ModelConfigsDocument] });
  const total = Object.values(weights).reduce((s, w) => s + (w || 0), 0);
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4">
        A/B traffic split
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Share of AI answers per version. Weights must add up to 100; each AI message records the version that answered.
      </Text>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (total !== 100) return;
          void save({
            variables: {
              input: {
                weights: Object.entries(weights)
                  .filter(([, w]) => w > 0)
                  .map(([modelConfigId, weight]) => ({ modelConfigId, weight })),
              },
            },
          }).catch(() => undefined);
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          {configs.map((c) => (
            <NumberInput
              key={c.id}
              label={`v${c.version} ${c.name}`}
              min={0}
              max={100}
              step={5}
              suffix="%"
              w={150}
              value={weights[c.id] ?? 0}
              onChange={(v) => setWeights((w) => ({ ...w, [c.id]: typeof v === 'number' ? v : Number(v) || 0 }))}
            />
          ))}
          <Button type="submit" loading={loading} disabled={total !== 100}>
            Save split
          </Button>
        </Group>
        <Text size="sm" mt="xs" c={total === 100 ? 'dimmed' : 'red'} role="status">
          Total: {total}%{total !== 100 ? ' (must be 100%)' : ''}
        </Text>
        {error && <ErrorNotice error={error} title="Could not save the split" compact />}
        {data && !error && splitting && (
          <Alert color="green" mt="xs" role="status">
            Split saved.
          </Alert>
        )}
      </form>
    </Paper>
  );
}

function CreateModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const [name, setName] = useState('');
  const [provider, setProvider] = useState<AiProvider | null>(null);
  const [model, setModel] = useState('');
  const [temperature, setTemperature] = useState<number>(0.2);
  const [k, setK] = useState<number>(5);
  // Empty: the provider's measured default (local 0.45, openai 0.35).
  const [threshold, setThreshold] = useState<number | null>(null);
  const [systemPrompt, setSystemPrompt] = useState('');
  const [create, { loading, error, reset }] = useMutation(CreateModelConfigDocument, { refetchQueries: [ModelConfigsDocument] });
  // Closing, however it happens, forgets the last attempt's error.
  const close = () => {
    reset();
    onClose();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await create({
        variables: {
          input: {
            name: name.trim(),
            provider,
            model: model.trim() || null,
            temperature,
            k,
            confidenceThreshold: threshold,
            systemPrompt: systemPrompt.trim() || null,
          },
        },
      });
      setName('');
      onClose();
    } catch {
      // Shown below.
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="New model configuration" size="lg">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput label="Name" required maxLength={120} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Group grow>
            <Select
              label="Provider"
              placeholder="Deployment default"
              clearable
              data={[
                { value: 'local', label: 'local (offline)' },
                { value: 'openai', label: 'openai (OpenAI-compatible)' },
              ]}
              value={provider}
              onChange={(v) => setProvider(v as AiProvider | null)}
            />
            <TextInput label="Chat model" description="Ignored by local" value={model} onChange={(e) => setModel(e.currentTarget.value)} />
          </Group>
          <Group grow>
            <NumberInput label="Temperature" min={0} max={2} step={0.1} decimalScale={2} value={temperature} onChange={(v) => setTemperature(Number(v) || 0)} />
            <NumberInput label="Passages (k)" min={1} max={20} value={k} onChange={(v) => setK(Number(v) || 1)} />
            <NumberInput
              label="Hand off below confidence"
              min={0}
              max={1}
              step={0.05}
              decimalScale={2}
              value={threshold ?? ''}
              placeholder={provider === 'openai' ? '0.35 (default)' : '0.45 (default)'}
              onChange={(v) => setThreshold(v === '' ? null : Number(v) || 0)}
            />
          </Group>
          <Textarea
            label="System prompt"
            description="Optional; the default prompt is used when empty"
            autosize
            minRows={3}
            maxRows={10}
            maxLength={8000}
            value={systemPrompt}
            onChange={(e) => setSystemPrompt(e.currentTarget.value)}
          />
          {error && <ErrorNotice error={error} title="Could not create the configuration" compact />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={loading} disabled={!name.trim()}>
              Create (inactive)
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
