import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import type { MockLink } from '@apollo/client/testing';
import { MockedProvider } from '@apollo/client/testing/react';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router';
import { cssVariablesResolver, theme } from '../theme';
import { createCache, defaultOptions } from '../lib/api';

/**
 * Renders with Mantine, a router and Apollo's MockedProvider: the app's cache
 * policies and default options, and mocks answered at once as in Apollo Client 3
 * (Apollo 4's MockLink waits a "realistic" 20–50 ms per response by default,
 * which only slows the suite down on a busy machine).
 */
export function renderWithProviders(ui: ReactElement, { mocks = [], route = '/' }: { mocks?: MockLink.MockedResponse[]; route?: string } = {}) {
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <MockedProvider mocks={mocks} cache={createCache()} defaultOptions={defaultOptions} mockLinkDefaultOptions={{ delay: 0 }}>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} env="test">
        <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
      </MantineProvider>
    </MockedProvider>
  );
  return render(ui, { wrapper: Wrapper });
}

export function gqlError(code: string, message = code) {
  return { message, extensions: { code } };
}

export { withTypenames } from './typenames';
