import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  AdminFaqsDocument,
  ArchiveFaqDocument,
  CreateFaqCategoryDocument,
  CreateFaqDocument,
  FaqCategoriesDocument,
  PublishFaqDocument,
  UpdateFaqDocument,
  type AdminFaqFragment,
  type EmbeddingStatus,
  type FaqStatus,
} from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Empty, Loading } from '../components/States';
import { dateTime } from '../lib/format';
import { Page } from './Page';

const STATUS_COLOR: Record<FaqStatus, string> = { DRAFT: 'gray', PUBLISHED: 'green', ARCHIVED: 'dark' };
const EMBEDDING: Record<EmbeddingStatus, { label: string; color: string }> = {
  PENDING: { label: 'Indexing…', color: 'yellow' },
  READY: { label: 'Indexed', color: 'teal' },
  FAILED: { label: 'Indexing failed', color: 'red' },
};

export default function KnowledgePage() {
  const [status, setStatus] = useState<FaqStatus | 'ALL'>('ALL');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [editing, setEditing] = useState<AdminFaqFragment | 'new' | null>(null);

  const categories = useQuery(FaqCategoriesDocument);
  const filter = { ...(status === 'ALL' ? {} : { status }), ...(categoryId ? { categoryId } : {}), ...(debouncedSearch ? { search: debouncedSearch } : {}) };
  const faqs = useQuery(AdminFaqsDocument, { variables: { first: 100, filter }, fetchPolicy: 'cache-and-network', notifyOnNetworkStatusChange: false });
  const list = faqs.data?.faqs.edges.map((e) => e.node) ?? [];

  // Embedding runs in the background: poll while anything is still being indexed.
  const indexing = list.some((f) => f.status === 'PUBLISHED' && f.embeddingStatus === 'PENDING' && Date.now() - Date.parse(f.updatedAt) < 120_000);
  const { startPolling, stopPolling } = faqs;
  useEffect(() => {
    if (indexing) startPolling(1_000);
    else stopPolling();
    return () => stopPolling();
  }, [indexing, startPolling, stopPolling]);

  const refetchQueries = [AdminFaqsDocument];
  const [publish, publishState] = useMutation(PublishFaqDocument, { refetchQueries });
  const [archive, archiveState] = useMutation(ArchiveFaqDocument, { refetchQueries });
  // Saving an entry unchanged queues its embedding again: the way to index
  // entries that never were (e.g. imported or seeded) or whose indexing failed.
  const [reindexOne, reindexState] = useMutation(UpdateFaqDocument, { refetchQueries });
  const [reindexing, setReindexing] = useState(false);
  const unindexed = list.filter((f) => f.status === 'PUBLISHED' && f.embeddingStatus !== 'READY');
  const reindexAll = async () => {
    setReindexing(true);
    try {
      for (const f of unindexed) await reindexOne({ variables: { input: { id: f.id } } });
    } catch {
      // Shown below by code.
    } finally {
      setReindexing(false);
    }
  };
  const actionError = publishState.error ?? archiveState.error ?? reindexState.error;

  return (
    <Page
      title="Knowledge base"
      description="The AI assistant answers customers from published FAQs. Publishing (or editing) an entry indexes it for search in the background."
      actions={
        <Group gap="xs">
          {unindexed.length > 0 && (
            <Button variant="default" onClick={() => void reindexAll()} loading={reindexing}>
              Rebuild search index ({unindexed.length})
            </Button>
          )}
          <Button onClick={() => setEditing('new')}>New FAQ</Button>
        </Group>
      }
    >
      <Categories />
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Filter by status"
          value={status}
          onChange={(v) => setStatus(v as FaqStatus | 'ALL')}
          data={[
            { value: 'ALL', label: 'All' },
            { value: 'DRAFT', label: 'Drafts' },
            { value: 'PUBLISHED', label: 'Published' },
            { value: 'ARCHIVED', label: 'Archived' },
          ]}
        />
        <Select
          label="Category"
          placeholder="All categories"
          clearable
          value={categoryId}
          onChange={setCategoryId}
          data={(categories.data?.faqCategories ?? []).map((c) => ({ value: c.id, label: c.name }))}
          w={200}
        />
        <TextInput label="Search" type="search" placeholder="Question or answer" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={240} />
      </Group>
      {faqs.error && <ErrorNotice error={faqs.error} title="Could not load the FAQs" onRetry={() => void faqs.refetch()} />}
      {actionError && <ErrorNotice error={actionError} title="That did not work" />}
      {faqs.loading && !faqs.data && <Loading label="Loading FAQs…" />}
      {faqs.data && list.length === 0 && (
        <Empty title="No FAQs here">
          {status === 'ALL' && !debouncedSearch && !categoryId ? 'Add the first one with “New FAQ”.' : 'Nothing matches these filters.'}
        </Empty>
      )}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover verticalSpacing="xs" aria-label="FAQs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Question</Table.Th>
                <Table.Th>Category</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Search index</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th>
                  <span className="sb-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((f) => (
                <Table.Tr key={f.id} data-testid="faq-row" data-faq-id={f.id}>
                  <Table.Td maw={380}>
                    <Text size="sm" fw={500}>
                      {f.question}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {f.answer}
                    </Text>
                    {f.tags.length > 0 && (
                      <Group gap={4} mt={2}>
                        {f.tags.map((t) => (
                          <Badge key={t} size="xs" variant="outline">
                            {t}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>{f.category?.name ?? '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[f.status]} variant="light" data-testid="faq-status">
                      {f.status.toLowerCase()}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {f.status === 'PUBLISHED' ? (
                      <Tooltip label={f.embeddingError ?? ''} disabled={!f.embeddingError}>
                        <Badge color={EMBEDDING[f.embeddingStatus].color} variant="dot" data-testid="faq-embedding" data-embedding={f.embeddingStatus}>
                          {EMBEDDING[f.embeddingStatus].label}
                        </Badge>
                      </Tooltip>
                    ) : (
                      <Text size="xs" c="dimmed">
                        Not used
                      </Text>
                    )}
                    {f.embeddingError && (
                      <Text size="xs" c="red">
                        {f.embeddingError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{dateTime(f.updatedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="default" onClick={() => setEditing(f)} aria-label={`Edit “${f.question}”`}>
                        Edit
                      </Button>
                      {f.status !== 'PUBLISHED' && (
                        <Button
                          size="compact-xs"
                          variant="light"
                          color="green"
                          onClick={() => void publish({ variables: { id: f.id } }).catch(() => undefined)}
                          aria-label={`Publish “${f.question}”`}
                        >
                          Publish
                        </Button>
                      )}
                      {f.status === 'PUBLISHED' && f.embeddingStatus !== 'READY' && (
                        <Button
                          size="compact-xs"
                          variant="light"
                          onClick={() => void reindexOne({ variables: { input: { id: f.id } } }).catch(() => undefined)}
                          aria-label={`Re-index “${f.question}”`}
                        >
                          Re-index
                        </Button>
                      )}
                      {f.status !== 'ARCHIVED' && (
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="gray"
                          onClick={() => void archive({ variables: { id: f.id } }).catch(() => undefined)}
                          aria-label={`Archive “${f.question}”`}
                        >
                          Archive
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <FaqModal
        faq={editing === 'new' ? null : editing}
        opened={editing !== null}
        onClose={() => setEditing(null)}
        categories={(categories.data?.faqCategories ?? []).map((c) => ({ value: c.id, label: c.name }))}
      />
    </Page>
  );
}

function Categories() {
  const { data, loading, error, refetch } = useQuery(FaqCategoriesDocument);
  const [name, setName] = useState('');
  const [create, createState] = useMutation(CreateFaqCategoryDocument, { refetchQueries: [FaqCategoriesDocument] });
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      await create({ variables: { input: { name: name.trim() } } });
      setName('');
    } catch {
      // Shown below.
    }
  }
  return (
    <Paper withBorder p="sm">
      <Title order={2} size="h5" mb={6}>
        Categories
      </Title>
      {error && <ErrorNotice error={error} title="Could not load categories" onRetry={() => void refetch()} compact />}
      {loading && !data && <Loading inline label="Loading categories…" />}
      <Group gap={6} mb="xs">
        {data?.faqCategories.length === 0 && (
          <Text size="sm" c="dimmed">
            No categories yet.
          </Text>
        )}
        {data?.faqCategories.map((c) => (
          <Badge key={c.id} variant="light" size="lg" tt="none">
            {c.name}
          </Badge>
        ))}
      </Group>
      <form onSubmit={submit}>
        <Group gap="xs" align="flex-end">
          <TextInput label="New category" size="xs" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={120} />
          <Button type="submit" size="xs" variant="light" loading={createState.loading} disabled={!name.trim()}>
            Add category
          </Button>
        </Group>
      </form>
      {createState.error && <ErrorNotice error={createState.error} title="Could not add the category" compact />}
    </Paper>
  );
}

function FaqModal({
  faq,
  opened,
  onClose,
  categories,
}: {
  faq: AdminFaqFragment | null;
  opened: boolean;
  onClose(): void;
  categories: { value: string; label: string }[];
}) {
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [alternateQuestions, setAlternateQuestions] = useState<string[]>([]);
  useEffect(() => {
    if (!opened) return;
    setQuestion(faq?.question ?? '');
    setAnswer(faq?.answer ?? '');
    setCategoryId(faq?.category?.id ?? null);
    setTags(faq?.tags ?? []);
    setAlternateQuestions(faq?.alternateQuestions ?? []);
  }, [opened, faq]);

  const refetchQueries = [AdminFaqsDocument];
  const [create, createState] = useMutation(CreateFaqDocument, { refetchQueries });
  const [update, updateState] = useMutation(UpdateFaqDocument, { refetchQueries });
  const [publish, publishState] = useMutation(PublishFaqDocument, { refetchQueries });
  const error = createState.error ?? updateState.error ?? publishState.error;
  const busy = createState.loading || updateState.loading || publishState.loading;

  async function save(andPublish: boolean) {
    const input = { question: question.trim(), answer: answer.trim(), categoryId, tags, alternateQuestions };
    if (!input.question || !input.answer) return;
    try {
      let id = faq?.id;
      if (faq) await update({ variables: { input: { id: faq.id, ...input } } });
      else id = (await create({ variables: { input } })).data?.createFaq.id;
      if (andPublish && id) await publish({ variables: { id } });
      onClose();
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={faq ? 'Edit FAQ' : 'New FAQ'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(false);
        }}
      >
        <Stack gap="sm">
          <TextInput label="Question" required value={question} onChange={(e) => setQuestion(e.currentTarget.value)} maxLength={500} data-autofocus />
          <TagsInput
            label="Other ways customers ask this"
            description="Alternate questions the assistant should recognise (press Enter after each; up to 20). Customers never see them."
            maxTags={20}
            splitChars={[]}
            value={alternateQuestions}
            onChange={(next) => setAlternateQuestions(next.map((q) => q.trim().slice(0, 500)).filter(Boolean))}
          />
          <Textarea label="Answer" required autosize minRows={4} maxRows={12} value={answer} onChange={(e) => setAnswer(e.currentTarget.value)} />
          <Select label="Category" placeholder="No category" clearable data={categories} value={categoryId} onChange={setCategoryId} />
          <TagsInput
            label="Tags"
            description="Press Enter after each tag; up to 20 tags of at most 40 characters"
            maxTags={20}
            value={tags}
            onChange={(next) => setTags(next.map((t) => t.trim().slice(0, 40)).filter(Boolean))}
          />
          {error && <ErrorNotice error={error} title="Could not save the FAQ" compact />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="light" loading={busy} disabled={!question.trim() || !answer.trim()}>
              {faq ? 'Save' : 'Save as draft'}
            </Button>
            {faq?.status !== 'PUBLISHED' && (
              <Button onClick={() => void save(true)} loading={busy} disabled={!question.trim() || !answer.trim()}>
                Save and publish
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
