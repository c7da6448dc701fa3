import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CombinedGraphQLErrors } from '@apollo/client';
import { StarRating, TextAreaField, WAlert } from './ui';

describe('widget ui', () => {
  it('StarRating is a labelled radio group that works with the keyboard', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    function Harness() {
      const [v, setV] = useState(0);
      return (
        <StarRating
          label="How was this conversation?"
          value={v}
          onChange={(n) => {
            setV(n);
            onChange(n);
          }}
        />
      );
    }
    render(<Harness />);
    expect(screen.getByRole('group', { name: 'How was this conversation?' })).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: '3 of 5' }));
    expect(onChange).toHaveBeenLastCalledWith(3);
    await user.keyboard('{ArrowRight}');
    expect(onChange).toHaveBeenLastCalledWith(4);
    expect(screen.getByRole('radio', { name: '4 of 5' })).toBeChecked();
  });

  it('WAlert puts the error code into words', () => {
    render(
      <WAlert
        error={new CombinedGraphQLErrors({ data: null, errors: [{ message: 'x', extensions: { code: 'RATE_LIMITED', retryAfter: 3 } }] })}
        title="Could not send"
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Could not send');
    expect(alert).toHaveTextContent('Too many requests. Please wait 3 s and try again.');
    expect(alert).toHaveAttribute('data-error-code', 'RATE_LIMITED');
  });

  it('TextAreaField labels its textarea', () => {
    render(<TextAreaField label="Your message" hideLabel value="" onChange={() => undefined} />);
    expect(screen.getByRole('textbox', { name: 'Your message' })).toBeInTheDocument();
  });
});
