// File uploads: a GraphQL multipart request (graphql-multipart-request-spec)
// sent with fetch. Apollo's HTTP link sends JSON only; an upload link would
// replace it for every operation, while only uploadAttachment carries a file.
// `Apollo-Require-Preflight` is required by the server's CSRF protection (a
// cross-site form can post multipart data, but cannot set that header).
import { CombinedGraphQLErrors } from '@apollo/client';
import { print } from 'graphql';
import { UploadAttachmentDocument, type AttachmentFieldsFragment } from '@switchboard/schema/client';

export type UploadedAttachment = AttachmentFieldsFragment;

/** What the server accepts (it checks the bytes; this only guides the file picker). */
export const ACCEPTED_TYPES = 'image/png,image/jpeg,image/gif,image/webp,application/pdf';

export function uploadForm(conversationId: string, file: File): FormData {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: print(UploadAttachmentDocument), operationName: 'UploadAttachment', variables: { conversationId, file: null } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', file, file.name);
  return form;
}

interface UploadOptions {
  httpUrl: string;
  getToken(): string | null | Promise<string | null>;
  onUnauthenticated?(): Promise<boolean>;
}

/** Uploads one file; GraphQL errors are thrown as Apollo's CombinedGraphQLErrors, like those of any other operation. */
export async function uploadAttachment(opts: UploadOptions, conversationId: string, file: File, retried = false): Promise<UploadedAttachment> {
  const token = await opts.getToken();
  const res = await fetch(opts.httpUrl, {
    method: 'POST',
    headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: uploadForm(conversationId, file),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: { uploadAttachment?: UploadedAttachment };
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  } | null;
  const errors = body?.errors;
  if (errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && opts.onUnauthenticated && !retried && (await opts.onUnauthenticated())) {
    return uploadAttachment(opts, conversationId, file, true);
  }
  if (errors?.length || !body?.data?.uploadAttachment) {
    const list = errors ?? [{ message: `Upload failed (HTTP ${res.status})`, extensions: { code: res.status >= 500 ? 'INTERNAL' : 'BAD_USER_INPUT' } }];
    throw new CombinedGraphQLErrors({ data: null, errors: list });
  }
  return body.data.uploadAttachment;
}

export function isImage(contentType: string): boolean {
  return contentType.startsWith('image/');
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
