import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { AdminFaqsDocument, FaqCategoriesDocument, type AdminFaqFragment } from '@switchboard/schema/client';
import { gqlError, renderWithProviders, withTypenames } from '../test/render';
import KnowledgePage from './KnowledgePage';

const category = { id: 'cat1', name: 'Billing', createdAt: '2026-01-01T00:00:00Z' };
const faq = (id: string, extra: Partial<AdminFaqFragment>): AdminFaqFragment => ({
  id,
  question: `Question ${id}?`,
  answer: `Answer ${id}.`,
  status: 'PUBLISHED',
  alternateQuestions: [],
  tags: [],
  publishedAt: '2026-01-01T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  category,
  embeddingStatus: 'READY',
  embeddingError: null,
  ...extra,
});

const categories = { request: { query: FaqCategoriesDocument }, result: { data: withTypenames('Query', { faqCategories: [category] }) } };
const faqs = (nodes: AdminFaqFragment[]) => ({
  request: { query: AdminFaqsDocument, variables: { first: 100, filter: {} } },
  result: {
    data: withTypenames('Query', {
      faqs: {
        edges: nodes.map((node) => ({ cursor: node.id, node })),
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      },
    }),
  },
});

describe('KnowledgePage', () => {
  it('lists FAQs with their status and search-index state, and offers to index what is not', async () => {
    renderWithProviders(<KnowledgePage />, {
      mocks: [
        categories,
        categories,
        faqs([faq('a', {}), faq('b', { status: 'DRAFT', publishedAt: null }), faq('c', { embeddingStatus: 'FAILED', embeddingError: 'provider down' })]),
      ],
    });
    const rows = await screen.findAllByTestId('faq-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByTestId('faq-embedding')).toHaveTextContent('Indexed');
    expect(within(rows[1]!).getByRole('button', { name: 'Publish “Question b?”' })).toBeInTheDocument();
    expect(within(rows[2]!).getByText('provider down')).toBeInTheDocument();
    expect(within(rows[2]!).getByRole('button', { name: 'Re-index “Question c?”' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Rebuild search index (1)' })).toBeInTheDocument();
  });

  it('shows an empty state', async () => {
    renderWithProviders(<KnowledgePage />, { mocks: [categories, categories, faqs([])] });
    expect(await screen.findByText('No FAQs here')).toBeInTheDocument();
  });

  it('shows errors by code', async () => {
    renderWithProviders(<KnowledgePage />, {
      mocks: [
        categories,
        categories,
        { request: { query: AdminFaqsDocument, variables: { first: 100, filter: {} } }, result: { errors: [gqlError('FORBIDDEN')] as never } },
      ],
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the FAQs');
    expect(alert).toHaveTextContent('Your role does not allow this action.');
  });
});
