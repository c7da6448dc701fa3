// The virus-scan hook: every upload passes through a scanner before it is
// stored. The default accepts everything; a deployment plugs in its own
// (ClamAV, a cloud scanning API) through the server options.

export interface ScanInput {
  bytes: Buffer;
  filename: string;
  contentType: string;
  sha256: string;
  workspaceId: string;
}

export type ScanVerdict = { ok: true } | { ok: false; reason: string };

export interface AttachmentScanner {
  scan(file: ScanInput): Promise<ScanVerdict>;
}

export const acceptAllScanner: AttachmentScanner = {
  scan: async () => ({ ok: true }),
};

declare module '../../platform/context.js' {
  interface AppDeps {
    /** The virus-scan hook every upload passes (default: accept). */
    attachmentScanner?: AttachmentScanner;
  }
}
