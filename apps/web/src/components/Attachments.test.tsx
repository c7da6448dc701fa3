import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { AttachmentList } from './Attachments';
import { formatSize, uploadForm } from '../lib/upload';

describe('attachments', () => {
  it('shows images inline as thumbnails that open full size, and PDFs as links with name and size', () => {
    render(
      <AttachmentList
        attachments={[
          { id: 'a1', filename: 'screenshot.png', contentType: 'image/png', size: 2048, url: '/attachments/a1?expires=1&signature=s' },
          { id: 'a2', filename: 'invoice.pdf', contentType: 'application/pdf', size: 3 * 1024 * 1024, url: '/attachments/a2?expires=1&signature=t' },
        ]}
      />,
    );
    const img = screen.getByRole('img', { name: 'screenshot.png' });
    expect(img.getAttribute('src')).toBe('/attachments/a1?expires=1&signature=s');
    expect(img.closest('a')?.getAttribute('href')).toBe('/attachments/a1?expires=1&signature=s');
    const pdf = screen.getByRole('link', { name: /invoice\.pdf \(3\.0 MB\)/ });
    expect(pdf.getAttribute('href')).toBe('/attachments/a2?expires=1&signature=t');
    expect(pdf.getAttribute('download')).toBe('invoice.pdf');
  });

  it('renders nothing for a message without files', () => {
    const { container } = render(<AttachmentList attachments={[]} />);
    expect(container.innerHTML).toBe('');
  });

  it('builds a GraphQL multipart request: operations, map, then the file', async () => {
    const form = uploadForm('c1', new File(['png-bytes'], 'photo.png', { type: 'image/png' }));
    expect([...form.keys()]).toEqual(['operations', 'map', '0']);
    const operations = JSON.parse(form.get('operations') as string);
    expect(operations.operationName).toBe('UploadAttachment');
    expect(operations.variables).toEqual({ conversationId: 'c1', file: null });
    expect(operations.query).toContain('uploadAttachment(conversationId: $conversationId, file: $file)');
    expect(JSON.parse(form.get('map') as string)).toEqual({ 0: ['variables.file'] });
    const file = form.get('0') as File;
    expect(file.name).toBe('photo.png');
    expect(await file.text()).toBe('png-bytes');
    expect([formatSize(512), formatSize(2048), formatSize(5 * 1024 * 1024)]).toEqual(['512 B', '2 KB', '5.0 MB']);
  });
});
