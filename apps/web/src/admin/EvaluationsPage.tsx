import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { useApolloClient, useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Badge, Button, Checkbox, FileButton, Group, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import {
  AdminFaqsDocument,
  CompareEvaluationRunsDocument,
  EvaluationDatasetsDocument,
  EvaluationRunProgressDocument,
  EvaluationRunsDocument,
  ImportEvaluationDatasetDocument,
  ModelConfigsDocument,
  StartEvaluationRunDocument,
  type EvaluationRunFieldsFragment,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime, percent } from '../lib/format';
import { LATENCY, QUALITY, comparisonRows, runLabel } from './charts/metrics';
import { Page } from './Page';

const ComparisonChart = lazy(() => import('./charts/EvaluationComparisonChart'));

const MAX_COMPARE = 4;

export default function EvaluationsPage() {
  const runs = useQuery(EvaluationRunsDocument, { fetchPolicy: 'cache-and-network' });
  const [selected, setSelected] = useState<string[]>([]);
  const list = runs.data?.evaluationRuns ?? [];
  // Progress is live (evaluationRunProgress); a run that finishes before its
  // subscription starts sends nothing more, so active runs are also re-read now and then.
  const active = list.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING');
  const { startPolling, stopPolling } = runs;
  useEffect(() => {
    if (active) startPolling(3_000);
    else stopPolling();
    return () => stopPolling();
  }, [active, startPolling, stopPolling]);

  return (
    <Page
      title="Evaluations"
      description="Replay a dataset of questions through a model configuration and measure retrieval and answer quality, then compare runs side by side."
    >
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ImportDataset />
        <StartRun onStarted={() => void runs.refetch()} />
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          Runs
        </Title>
        {runs.error && <ErrorNotice error={runs.error} title="Could not load runs" onRetry={() => void runs.refetch()} />}
        {runs.loading && !runs.data && <Loading label="Loading runs…" />}
        {runs.data && list.length === 0 && <Empty title="No runs yet">Import a dataset and start a run.</Empty>}
        {list.length > 0 && (
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" aria-label="Evaluation runs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Compare</Table.Th>
                  <Table.Th>Configuration</Table.Th>
                  <Table.Th>Dataset</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Hit @1</Table.Th>
                  <Table.Th>MRR</Table.Th>
                  <Table.Th>Grounded</Table.Th>
                  <Table.Th>p95</Table.Th>
                  <Table.Th>Started</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((r) => (
                  <Table.Tr key={r.id} data-testid="run-row" data-status={r.status}>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Compare run of ${runLabel(r)}`}
                        disabled={r.status !== 'COMPLETED' || (!selected.includes(r.id) && selected.length >= MAX_COMPARE)}
                        checked={selected.includes(r.id)}
                        onChange={(e) => {
                          const on = e.currentTarget.checked;
                          setSelected((s) => (on ? [...s, r.id] : s.filter((id) => id !== r.id)));
                        }}
                      />
                    </Table.Td>
                    <Table.Td>
                      v{r.modelConfig.version} {r.modelConfig.name}
                    </Table.Td>
                    <Table.Td>{r.dataset.name}</Table.Td>
                    <Table.Td miw={160}>
                      <RunStatus run={r} onFinished={() => void runs.refetch()} />
                    </Table.Td>
                    <Table.Td>{percent(r.metrics?.hitRateAt1)}</Table.Td>
                    <Table.Td>{r.metrics ? r.metrics.mrr.toFixed(2) : '—'}</Table.Td>
                    <Table.Td>{percent(r.metrics?.groundedness)}</Table.Td>
                    <Table.Td>{r.metrics ? `${Math.round(r.metrics.latencyP95Ms)} ms` : '—'}</Table.Td>
                    <Table.Td>{dateTime(r.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <Comparison ids={selected} />
    </Page>
  );
}

/** Status and live progress (evaluationRunProgress) of a queued or running run. */
function RunStatus({ run, onFinished }: { run: EvaluationRunFieldsFragment; onFinished(): void }) {
  const active = run.status === 'QUEUED' || run.status === 'RUNNING';
  const [progress, setProgress] = useState<{ done: number; total: number; status: string } | null>(null);
  useSubscription(EvaluationRunProgressDocument, {
    variables: { runId: run.id },
    skip: !active,
    onData: ({ data }) => {
      const p = data.data?.evaluationRunProgress;
      if (!p) return;
      setProgress(p);
      if (p.status === 'COMPLETED' || p.status === 'FAILED') onFinished();
    },
  });
  if (!active) {
    return (
      <Stack gap={2}>
        <Badge color={run.status === 'COMPLETED' ? 'green' : 'red'} variant="light">
          {run.status.toLowerCase()}
        </Badge>
        {run.error && (
          <Text size="xs" c="red">
            {run.error}
          </Text>
        )}
      </Stack>
    );
  }
  const done = progress?.done ?? run.done;
  const total = progress?.total ?? run.total;
  const value = total ? (done / total) * 100 : 0;
  return (
    <Stack gap={2}>
      <Text size="xs">
        {(progress?.status ?? run.status).toLowerCase()} · {done}/{total}
      </Text>
      <Progress value={value} animated aria-label={`Progress ${done} of ${total}`} />
    </Stack>
  );
}

function Comparison({ ids }: { ids: string[] }) {
  const { data, loading, error, refetch } = useQuery(CompareEvaluationRunsDocument, { variables: { ids }, skip: ids.length < 2 });
  if (ids.length < 2) {
    return (
      <Paper withBorder p="md">
        <Title order={2} size="h4">
          Comparison
        </Title>
        <Text size="sm" c="dimmed">
          Tick two to {MAX_COMPARE} completed runs to compare their metrics side by side.
        </Text>
      </Paper>
    );
  }
  const runs = data?.compareEvaluationRuns ?? [];
  const rows: { cells: Record<string, string | number | null>; unit: string }[] = [
    ...comparisonRows(runs, QUALITY, 100).map((cells) => ({ cells, unit: '%' })),
    ...comparisonRows(runs, LATENCY).map((cells) => ({ cells, unit: ' ms' })),
  ];
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        Comparison
      </Title>
      {error && <ErrorNotice error={error} title="Could not compare the runs" onRetry={() => void refetch()} />}
      {loading && !data && <Loading label="Comparing…" />}
      {runs.length > 0 && (
        <>
          <Suspense fallback={<Loading label="Loading chart…" />}>
            <ComparisonChart runs={runs} />
          </Suspense>
          <Table.ScrollContainer minWidth={520} mt="md">
            <Table aria-label="Metrics side by side">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Metric</Table.Th>
                  {runs.map((r) => (
                    <Table.Th key={r.id}>{runLabel(r)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map(({ cells, unit }) => (
                  <Table.Tr key={String(cells.metric)}>
                    <Table.Td>{cells.metric}</Table.Td>
                    {runs.map((r, i) => (
                      <Table.Td key={r.id}>{cells[`r${i}`] == null ? '—' : `${cells[`r${i}`]}${unit}`}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Paper>
  );
}

const EXAMPLE = `{"cases": [{"question": "How do I get a refund?", "expectedFaqIds": ["<faq id>"], "referenceAnswer": "…"}]}`;

function ImportDataset() {
  const client = useApolloClient();
  const [name, setName] = useState('');
  const [json, setJson] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const [sampling, setSampling] = useState(false);
  const [importDataset, { loading, error, data, reset }] = useMutation(ImportEvaluationDatasetDocument, { refetchQueries: [EvaluationDatasetsDocument] });

  async function submit(e: FormEvent) {
    e.preventDefault();
    // One message at a time: the previous attempt's, local or from the server, goes.
    setLocalError(null);
    reset();
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      setLocalError(`Not valid JSON: ${(err as Error).message}`);
      return;
    }
    const cases = parsed !== null && typeof parsed === 'object' ? (parsed as { cases?: unknown }).cases : undefined;
    if (!Array.isArray(cases) || cases.length === 0) {
      setLocalError('The JSON needs to be an object with a non-empty "cases" array.');
      return;
    }
    try {
      await importDataset({ variables: { name: name.trim(), json } });
      setJson('');
      setName('');
    } catch {
      // Shown below by code.
    }
  }

  /** A starter dataset: every published FAQ's own question should retrieve it. */
  async function sample() {
    setSampling(true);
    setLocalError(null);
    reset();
    try {
      const { data: faqs } = await client.query({
        query: AdminFaqsDocument,
        variables: { first: 50, filter: { status: 'PUBLISHED' } },
        fetchPolicy: 'network-only',
      });
      const cases = faqs.faqs.edges.map(({ node }) => ({ question: node.question, expectedFaqIds: [node.id], referenceAnswer: node.answer }));
      if (!cases.length) setLocalError('There are no published FAQs to build a sample from.');
      else {
        setJson(JSON.stringify({ cases }, null, 2));
        if (!name.trim()) setName(`Published FAQs (${cases.length})`);
      }
    } catch (err) {
      setLocalError((err as Error).message);
    } finally {
      setSampling(false);
    }
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="import-title">
      <Title order={2} size="h4" id="import-title">
        Import a dataset
      </Title>
      <Stack gap="sm" mt="xs">
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
        <Textarea
          label="Cases (JSON)"
          description={`Format: ${EXAMPLE}`}
          required
          autosize
          minRows={4}
          maxRows={12}
          value={json}
          onChange={(e) => setJson(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 12 } }}
        />
        <Group gap="xs">
          <FileButton accept="application/json,.json" onChange={(file) => void file?.text().then(setJson)}>
            {(props) => (
              <Button variant="default" size="xs" {...props}>
                Load a .json file
              </Button>
            )}
          </FileButton>
          <Button variant="subtle" size="xs" onClick={() => void sample()} loading={sampling}>
            Fill with a sample from published FAQs
          </Button>
        </Group>
        {localError && (
          <Text c="red" size="sm" role="alert">
            {localError}
          </Text>
        )}
        {error && <ErrorNotice error={error} title="Could not import the dataset" compact />}
        {data && !error && (
          <Text size="sm" c="green" role="status">
            Imported “{data.importEvaluationDataset.name}”.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={loading} disabled={!name.trim() || !json.trim()}>
            Import
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function StartRun({ onStarted }: { onStarted(): void }) {
  const datasets = useQuery(EvaluationDatasetsDocument, { fetchPolicy: 'cache-and-network' });
  const configs = useQuery(ModelConfigsDocument, { fetchPolicy: 'cache-and-network' });
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [modelConfigId, setModelConfigId] = useState<string | null>(null);
  const [start, { loading, error }] = useMutation(StartEvaluationRunDocument, { refetchQueries: [EvaluationRunsDocument] });
  const loadError = datasets.error ?? configs.error;
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      aria-labelledby="start-title"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (!datasetId || !modelConfigId) return;
        void start({ variables: { datasetId, modelConfigId } })
          .then(onStarted)
          .catch(() => undefined);
      }}
    >
      <Title order={2} size="h4" id="start-title">
        Start a run
      </Title>
      <Stack gap="sm" mt="xs">
        {loadError && <ErrorNotice error={loadError} title="Could not load datasets or configurations" compact />}
        <Select
          label="Dataset"
          placeholder={datasets.data?.evaluationDatasets.length === 0 ? 'Import a dataset first' : 'Choose a dataset'}
          data={(datasets.data?.evaluationDatasets ?? []).map((d) => ({ value: d.id, label: d.name }))}
          value={datasetId}
          onChange={setDatasetId}
          allowDeselect={false}
          required
        />
        <Select
          label="Model configuration"
          placeholder="Choose a version"
          data={(configs.data?.modelConfigs ?? []).map((c) => ({ value: c.id, label: `v${c.version} ${c.name}${c.active ? ' (active)' : ''}` }))}
          value={modelConfigId}
          onChange={setModelConfigId}
          allowDeselect={false}
          required
        />
        {error && <ErrorNotice error={error} title="Could not start the run" compact />}
        <Group>
          <Button type="submit" loading={loading} disabled={!datasetId || !modelConfigId}>
            Start run
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
