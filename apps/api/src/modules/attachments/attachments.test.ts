// Message attachments over real HTTP (GraphQL multipart requests, signed
// downloads) and graphql-ws, on a real database and a real directory.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { collect, eventually, expectError, startTestServer, wsClient, type TestServer } from '../../../test/testkit.js';
import { retentionJob } from '../contacts/retention.job.js';
import { signedDownloadPath } from './attachment.signing.js';
import { LocalDiskStorage, S3Storage, createAttachmentStorage } from './attachment.storage.js';
import { sweepAttachmentsJob } from './sweep.job.js';
import { loadConfig } from '../../platform/config.js';

const MAX_BYTES = 64 * 1024;
const EICAR = 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE';

// A 1×1 PNG, a minimal PDF and the start of a Windows executable.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('This program cannot be run in DOS mode.')]);
EXE.writeUInt32LE(0x80, 0x3c);
const PE = Buffer.concat([EXE, Buffer.alloc(0x80 - EXE.length), Buffer.from('PE\0\0'), Buffer.alloc(64)]);

const UPLOAD = `mutation($conversationId: ID!, $file: Upload!) { uploadAttachment(conversationId: $conversationId, file: $file) { id filename contentType size url } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id seq body attachments { id filename contentType size url } } }`;
const NOTE = `mutation($input: SendMessageInput!) { addNote(input: $input) { id seq kind attachments { id filename } } }`;
const EVENTS = `subscription($id: ID!, $after: Int) {
  conversationEvents(conversationId: $id, afterSeq: $after) {
    __typename
    ... on MessageAdded { message { seq kind body attachments { id filename contentType size url } } }
  }
}`;
const HISTORY = `query($id: ID!) { conversation(id: $id) { messages { edges { node { seq kind body attachments { id filename contentType url } } } } } }`;

interface Uploaded {
  status: number;
  headers: Headers;
  data?: any;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const messagesOf = (events: any[]) => events.filter((e) => e.__typename === 'MessageAdded').map((e) => e.message);

describe('message attachments', () => {
  let t: TestServer;
  let dir: string;
  let admin: Awaited<ReturnType<TestServer['createWorkspace']>>;
  let other: Awaited<ReturnType<TestServer['createWorkspace']>>;
  const scanned: string[] = [];
  const sockets: Client[] = [];
  const socket = (token: string) => {
    const s = wsClient(t.wsUrl, token);
    sockets.push(s);
    return s;
  };

  /** A GraphQL multipart request (graphql-multipart-request-spec), as browsers send it. */
  async function upload(
    token: string | null,
    conversationId: string,
    bytes: Buffer,
    filename: string,
    opts: { preflight?: boolean; type?: string } = {},
  ): Promise<Uploaded> {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: UPLOAD, variables: { conversationId, file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob([bytes], { type: opts.type ?? 'image/png' }), filename);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { ...(opts.preflight !== false && { 'apollo-require-preflight': 'true' }), ...(token && { authorization: `Bearer ${token}` }) },
      body: form,
    });
    const body = (await res.json()) as { data?: any; errors?: Uploaded['errors'] };
    return { status: res.status, headers: res.headers, data: body.data?.uploadAttachment, errors: body.errors };
  }
  const uploaded = async (...args: Parameters<typeof upload>) => {
    const res = await upload(...args);
    expect(res.errors).toBeUndefined();
    return res.data as { id: string; filename: string; contentType: string; size: number; url: string };
  };
  const start = async (key = admin.widgetKey, name = 'Nia') => {
    const res = await t.gql(
      `mutation($k: String!, $n: String!) { startConversation(input: {widgetKey: $k, name: $n, message: "Here is a screenshot"}) { customerToken conversation { id contact { id } } } }`,
      { k: key, n: name },
    );
    const { customerToken, conversation } = res.data.startConversation;
    return { id: conversation.id as string, contactId: conversation.contact.id as string, token: customerToken as string };
  };
  const download = (path: string) => fetch(`${t.url}${path}`);
  const files = () =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => join(d.parentPath, d.name))
      : [];
  const rowCount = async () => (await t.sql(`select count(*)::int as n from attachment`))[0].n as number;
  const fileOf = async (id: string) => join(dir, (await t.sql(`select storage_key from attachment where id = ?`, [id]))[0].storage_key);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-attachments-'));
    t = await startTestServer(
      { ATTACHMENTS_DIR: dir, ATTACHMENT_MAX_BYTES: String(MAX_BYTES), RUN_WORKERS: 'true' },
      {
        attachmentScanner: {
          async scan(file) {
            scanned.push(file.sha256);
            return file.bytes.includes(EICAR) ? { ok: false, reason: 'Eicar-Test-Signature' } : { ok: true };
          },
        },
      },
    );
    admin = await t.createWorkspace('Attach Co');
    other = await t.createWorkspace('Elsewhere');
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a customer uploads an image and sends it; staff get it live over graphql-ws and download the same bytes', async () => {
    const chat = await start();
    const staffFeed = collect(socket(admin.token), EVENTS, { id: chat.id, after: 0 });
    await staffFeed.until((ev) => messagesOf(ev).some((m) => m.seq === 1));

    const image = await uploaded(chat.token, chat.id, PNG, 'C:\\Users\\nia\\screen shot.png');
    expect(image).toMatchObject({ filename: 'screen shot.png', contentType: 'image/png', size: PNG.length });
    // Stored, unsent: on disk with its row, no message yet.
    const [row] = await t.sql(`select message_id, uploader_contact_id, uploader_user_id, sha256 from attachment where id = ?`, [image.id]);
    expect(row).toMatchObject({ message_id: null, uploader_contact_id: chat.contactId, uploader_user_id: null });
    expect(existsSync(await fileOf(image.id))).toBe(true);

    // An image alone is a message (empty body).
    const sent = await t.gql(SEND, { input: { conversationId: chat.id, attachmentIds: [image.id] } }, chat.token);
    expect(sent.errors).toBeUndefined();
    expect(sent.data.sendMessage).toMatchObject({
      seq: 2,
      body: '',
      attachments: [{ id: image.id, filename: 'screen shot.png', contentType: 'image/png', size: PNG.length }],
    });
    await staffFeed.until((ev) => messagesOf(ev).some((m) => m.seq === 2));
    const live = messagesOf(staffFeed.events).find((m) => m.seq === 2);
    expect(live.attachments).toEqual([expect.objectContaining({ id: image.id, filename: 'screen shot.png', contentType: 'image/png', size: PNG.length })]);

    // The signed URL works without any header, as <img src> does.
    const res = await download(live.attachments[0].url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="screen shot.png"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    // Tampered, for another attachment, or expired: refused.
    const url = new URL(live.attachments[0].url, t.url);
    const tampered = `${url.pathname}?expires=${url.searchParams.get('expires')}&signature=${url.searchParams.get('signature')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`;
    expect((await download(tampered)).status).toBe(403);
    const later = `${url.pathname}?expires=${Number(url.searchParams.get('expires')) + 300}&signature=${url.searchParams.get('signature')}`;
    expect((await download(later)).status).toBe(403);
    const expired = await download(signedDownloadPath(t.config.jwtSecret, image.id, 60, Date.now() - 3 * 3600_000));
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as any).errors[0].message).toMatch(/expired/);
    expect((await download(`/attachments/${image.id}`)).status).toBe(403);

    // Sent once: it cannot be sent again.
    expectError(await t.gql(SEND, { input: { conversationId: chat.id, body: 'again', attachmentIds: [image.id] } }, chat.token), 'BAD_USER_INPUT');

    // An agent's PDF reaches the customer's feed; PDFs download as files.
    const customerFeed = collect(socket(chat.token), EVENTS, { id: chat.id, after: 2 });
    const pdf = await uploaded(admin.token, chat.id, PDF, 'invoice.pdf', { type: 'application/pdf' });
    expect(pdf).toMatchObject({ filename: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length });
    const reply = await t.gql(SEND, { input: { conversationId: chat.id, body: 'Your invoice', attachmentIds: [pdf.id] } }, admin.token);
    expect(reply.data.sendMessage.seq).toBe(3);
    await customerFeed.until((ev) => messagesOf(ev).some((m) => m.seq === 3));
    const theirs = messagesOf(customerFeed.events).find((m) => m.seq === 3);
    expect(theirs.attachments.map((a: any) => [a.filename, a.contentType])).toEqual([['invoice.pdf', 'application/pdf']]);
    const file = await download(theirs.attachments[0].url);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);

    // History over HTTP carries them too, with one attachment query for the whole page.
    t.queries.count = 0;
    const history = await t.gql(HISTORY, { id: chat.id }, chat.token);
    expect(history.data.conversation.messages.edges.map((e: any) => e.node.attachments.map((a: any) => a.filename))).toEqual([
      [],
      ['screen shot.png'],
      ['invoice.pdf'],
    ]);
    expect(t.queries.log.slice(-t.queries.count).filter((q) => /from "attachment"/.test(q))).toHaveLength(1);
  });

  it('refuses files that are too large, of the wrong type, infected, or sent without the CSRF header, and keeps nothing of them', async () => {
    const chat = await start();
    const before = { rows: await rowCount(), files: files().length, scans: scanned.length };

    const big = await upload(chat.token, chat.id, Buffer.concat([PNG, Buffer.alloc(MAX_BYTES)]), 'big.png');
    expect(expectError(big, 'BAD_USER_INPUT').extensions).toMatchObject({ reason: 'PAYLOAD_TOO_LARGE' });
    // The bytes decide, not the name or the client's type.
    const pdfAsPng = await upload(chat.token, chat.id, PDF, 'photo.png', { type: 'image/png' });
    expect(expectError(pdfAsPng, 'BAD_USER_INPUT').message).toMatch(/says \.png but the content is application\/pdf/);
    const exe = await upload(chat.token, chat.id, PE, 'photo.png', { type: 'image/png' });
    expect(expectError(exe, 'BAD_USER_INPUT').extensions).toMatchObject({ reason: 'UNSUPPORTED_MEDIA_TYPE' });
    const text = await upload(chat.token, chat.id, Buffer.from('just some text'), 'notes.pdf', { type: 'application/pdf' });
    expect(expectError(text, 'BAD_USER_INPUT').extensions).toMatchObject({ reason: 'UNSUPPORTED_MEDIA_TYPE' });
    expectError(await upload(chat.token, chat.id, Buffer.alloc(0), 'empty.png'), 'BAD_USER_INPUT');
    // Nothing reaches the scanner before the checks above pass.
    expect(scanned.length).toBe(before.scans);

    const infected = await upload(chat.token, chat.id, Buffer.concat([PNG, Buffer.from(EICAR)]), 'innocent.png');
    expect(expectError(infected, 'BAD_USER_INPUT')).toMatchObject({
      message: expect.stringMatching(/virus scan: Eicar-Test-Signature/),
      extensions: { reason: 'REFUSED_BY_SCAN' },
    });
    expect(scanned.length).toBe(before.scans + 1);

    // A cross-site form can post multipart without a preflight: without the header, refused with 400.
    const csrf = await upload(chat.token, chat.id, PNG, 'ok.png', { preflight: false });
    expect(csrf.status).toBe(400);
    expect(csrf.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // A file cannot come as a plain JSON (or graphql-ws) variable.
    expectError(await t.gql(UPLOAD, { conversationId: chat.id, file: PNG.toString('base64') }, chat.token), 'BAD_USER_INPUT');
    const overWs = await new Promise<any>((resolve) =>
      socket(chat.token).subscribe(
        { query: UPLOAD, variables: { conversationId: chat.id, file: 'x' } },
        { next: resolve, error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }), complete: () => {} },
      ),
    );
    expect(overWs.errors[0].extensions.code).toBe('BAD_USER_INPUT');

    expect({ rows: await rowCount(), files: files().length }).toEqual({ rows: before.rows, files: before.files });

    // Message rules: text or files; at most ten files; ids that are no uploads refuse the whole message.
    expectError(await t.gql(SEND, { input: { conversationId: chat.id, body: '  ' } }, chat.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SEND, { input: { conversationId: chat.id } }, chat.token), 'BAD_USER_INPUT');
    const eleven = Array.from({ length: 11 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expectError(await t.gql(SEND, { input: { conversationId: chat.id, body: 'x', attachmentIds: eleven } }, chat.token), 'BAD_USER_INPUT');
    const good = await uploaded(chat.token, chat.id, PNG, 'fine.png');
    expectError(await t.gql(SEND, { input: { conversationId: chat.id, body: 'two', attachmentIds: [good.id, eleven[0]] } }, chat.token), 'BAD_USER_INPUT');
    const [{ last_seq: lastSeq }] = await t.sql(`select last_seq from conversation where id = ?`, [chat.id]);
    expect(lastSeq).toBe(1);
    expect((await t.sql(`select message_id from attachment where id = ?`, [good.id]))[0].message_id).toBeNull();
  });

  it('keeps attachments inside their conversation and workspace, and notes’ files from customers', async () => {
    const chat = await start();
    const neighbour = await start(admin.widgetKey, 'Ola');
    const foreign = await start(other.widgetKey, 'Zed');

    // Another customer, or staff of another workspace, cannot upload into it.
    expectError(await upload(neighbour.token, chat.id, PNG, 'x.png'), 'FORBIDDEN');
    expectError(await upload(other.token, chat.id, PNG, 'x.png'), 'NOT_FOUND');
    expectError(await upload(null, chat.id, PNG, 'x.png'), 'UNAUTHENTICATED');

    // Nobody sends someone else's upload, nor one from another conversation.
    const mine = await uploaded(chat.token, chat.id, PNG, 'mine.png');
    expectError(await t.gql(SEND, { input: { conversationId: chat.id, body: 'taking it', attachmentIds: [mine.id] } }, admin.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SEND, { input: { conversationId: neighbour.id, body: 'taking it', attachmentIds: [mine.id] } }, neighbour.token), 'BAD_USER_INPUT');
    expectError(await t.gql(SEND, { input: { conversationId: foreign.id, body: 'taking it', attachmentIds: [mine.id] } }, other.token), 'BAD_USER_INPUT');
    expect((await t.sql(`select message_id from attachment where id = ?`, [mine.id]))[0].message_id).toBeNull();

    // A note's files: staff see them; the customer's feed and history never do.
    const customerFeed = collect(socket(chat.token), EVENTS, { id: chat.id, after: 0 });
    await customerFeed.until((ev) => messagesOf(ev).some((m) => m.seq === 1));
    const internal = await uploaded(admin.token, chat.id, PDF, 'internal-report.pdf');
    const note = await t.gql(NOTE, { input: { conversationId: chat.id, body: 'See the report', attachmentIds: [internal.id] } }, admin.token);
    expect(note.data.addNote).toMatchObject({ seq: 2, kind: 'NOTE', attachments: [{ id: internal.id, filename: 'internal-report.pdf' }] });
    await t.gql(SEND, { input: { conversationId: chat.id, body: 'Here it is', attachmentIds: [mine.id] } }, chat.token);
    await customerFeed.until((ev) => messagesOf(ev).some((m) => m.seq === 3));
    expect(JSON.stringify(customerFeed.events)).not.toContain('internal-report');
    const theirs = await t.gql(HISTORY, { id: chat.id }, chat.token);
    expect(theirs.data.conversation.messages.edges.map((e: any) => [e.node.seq, e.node.attachments.map((a: any) => a.filename)])).toEqual([
      [1, []],
      [3, ['mine.png']],
    ]);
    const staff = await t.gql(HISTORY, { id: chat.id }, admin.token);
    expect(staff.data.conversation.messages.edges.map((e: any) => [e.node.seq, e.node.attachments.map((a: any) => a.filename)])).toEqual([
      [1, []],
      [2, ['internal-report.pdf']],
      [3, ['mine.png']],
    ]);
    // Another workspace cannot read the conversation, hence none of its links.
    expectError(await t.gql(HISTORY, { id: chat.id }, other.token), 'NOT_FOUND');
    expectError(await t.gql(HISTORY, { id: chat.id }, neighbour.token), 'FORBIDDEN');

    // A partner key reading conversations reads their attachments too.
    const key = await t.gql(`mutation { createApiKey(input: { name: "reader", scopes: [CONVERSATIONS_READ] }) { secret } }`, {}, admin.token);
    const viaKey = await t.gql(HISTORY, { id: chat.id }, key.data.createApiKey.secret);
    expect(viaKey.errors).toBeUndefined();
    expect(viaKey.data.conversation.messages.edges[2].node.attachments[0].filename).toBe('mine.png');
  });

  it('erasure, retention and the sweep of unsent uploads delete files and rows', async () => {
    // Erasure: every file of the customer's conversations goes, whoever sent it.
    const chat = await start(admin.widgetKey, 'Erin');
    const fromCustomer = await uploaded(chat.token, chat.id, PNG, 'passport.png');
    await t.gql(SEND, { input: { conversationId: chat.id, attachmentIds: [fromCustomer.id] } }, chat.token);
    const fromAgent = await uploaded(admin.token, chat.id, PDF, 'contract.pdf');
    await t.gql(SEND, { input: { conversationId: chat.id, body: 'Signed copy', attachmentIds: [fromAgent.id] } }, admin.token);
    const paths = [await fileOf(fromCustomer.id), await fileOf(fromAgent.id)];
    expect(paths.map(existsSync)).toEqual([true, true]);
    const url = (await t.gql(HISTORY, { id: chat.id }, admin.token)).data.conversation.messages.edges[1].node.attachments[0].url;
    expect((await download(url)).status).toBe(200);

    // The customer's data export lists the files of their messages, and nothing of the team's notes.
    const exported = await t.gql(`mutation($c: ID!) { exportContactData(contactId: $c) }`, { c: chat.contactId }, admin.token);
    const exportedFiles = exported.data.exportContactData.conversations[0].messages.flatMap((m: any) => m.attachments.map((a: any) => a.filename));
    expect(exportedFiles).toEqual(['passport.png', 'contract.pdf']);

    const erased = await t.gql(`mutation($c: ID!) { eraseContact(contactId: $c) }`, { c: chat.contactId }, admin.token);
    expect(erased.data.eraseContact).toBe(true);
    expect((await t.sql(`select count(*)::int as n from attachment where conversation_id = ?`, [chat.id]))[0].n).toBe(0);
    expect(paths.map(existsSync)).toEqual([false, false]);
    expect((await download(url)).status).toBe(404);

    // Retention: a resolved conversation quiet for longer than the period loses its files with its texts.
    const old = await start(admin.widgetKey, 'Otto');
    const kept = await start(admin.widgetKey, 'Kim');
    const oldFile = await uploaded(old.token, old.id, PNG, 'old.png');
    await t.gql(SEND, { input: { conversationId: old.id, attachmentIds: [oldFile.id] } }, old.token);
    const keptFile = await uploaded(kept.token, kept.id, PNG, 'kept.png');
    await t.gql(SEND, { input: { conversationId: kept.id, attachmentIds: [keptFile.id] } }, kept.token);
    const oldPath = await fileOf(oldFile.id);
    const keptPath = await fileOf(keptFile.id);
    await t.gql(`mutation { updateWorkspaceSettings(input: { retentionDays: 30 }) { id } }`, {}, admin.token);
    await t.gql(`mutation($id: ID!) { setConversationStatus(id: $id, status: RESOLVED) { id } }`, { id: old.id }, admin.token);
    await t.sql(`update conversation set last_message_at = now() - interval '40 days' where id = ?`, [old.id]);
    await t.server.deps.jobs.enqueue(retentionJob, {}, { jobId: 'attachments-retention' });
    await eventually(
      async () => (await t.sql(`select retention_purged_at from conversation where id = ?`, [old.id]))[0].retention_purged_at,
      20_000,
      'the retention job',
    );
    expect((await t.sql(`select id from attachment where conversation_id in (?, ?)`, [old.id, kept.id])).map((r: any) => r.id)).toEqual([keptFile.id]);
    // The files go once the purge has committed, after the row the wait above saw.
    await eventually(async () => !existsSync(oldPath), 20_000, 'the purged file deleted');
    expect([existsSync(oldPath), existsSync(keptPath)]).toEqual([false, true]);

    // Uploads never sent are swept after a day; recent ones and sent ones stay.
    const stale = await uploaded(kept.token, kept.id, PNG, 'stale.png');
    const fresh = await uploaded(kept.token, kept.id, PNG, 'fresh.png');
    const stalePath = await fileOf(stale.id);
    await t.sql(`update attachment set created_at = now() - interval '25 hours' where id in (?, ?)`, [stale.id, keptFile.id]);
    await t.server.deps.jobs.enqueue(sweepAttachmentsJob, {}, { jobId: 'attachments-sweep' });
    await eventually(async () => (await t.sql(`select count(*)::int as n from attachment where id = ?`, [stale.id]))[0].n === 0, 20_000, 'the sweep');
    await eventually(async () => !existsSync(stalePath), 20_000, 'the swept file deleted');
    expect(existsSync(stalePath)).toBe(false);
    expect((await t.sql(`select id from attachment where id in (?, ?, ?) order by filename`, [stale.id, fresh.id, keptFile.id])).map((r: any) => r.id)).toEqual(
      [fresh.id, keptFile.id],
    );
    expect(existsSync(keptPath)).toBe(true);
  });

  it('stores on the local disk by default and in S3-compatible storage when a bucket is configured', () => {
    const local = createAttachmentStorage(loadConfig({ DATA_DIR: '/srv/switchboard' }).attachments);
    expect(local).toBeInstanceOf(LocalDiskStorage);
    expect((local as LocalDiskStorage).dir).toBe('/srv/switchboard/attachments');
    const s3 = createAttachmentStorage(
      loadConfig({
        ATTACHMENTS_S3_BUCKET: 'sb-files',
        ATTACHMENTS_S3_ENDPOINT: 'http://minio.internal:9000',
        ATTACHMENTS_S3_REGION: 'eu-central-1',
        ATTACHMENTS_S3_ACCESS_KEY_ID: 'key',
        ATTACHMENTS_S3_SECRET_ACCESS_KEY: 'secret',
        ATTACHMENTS_S3_FORCE_PATH_STYLE: 'true',
      }).attachments,
    );
    expect(s3).toBeInstanceOf(S3Storage);
    expect((s3 as S3Storage).options).toEqual({
      bucket: 'sb-files',
      endpoint: 'http://minio.internal:9000',
      region: 'eu-central-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    expect(() => loadConfig({ ATTACHMENTS_S3_BUCKET: 'b', ATTACHMENTS_S3_ACCESS_KEY_ID: 'key' })).toThrow(/ATTACHMENTS_S3_SECRET_ACCESS_KEY/);
    // Keys are ours: anything shaped otherwise never becomes a path.
    expect(() => (local as LocalDiskStorage).path('../../etc/passwd')).toThrow(/invalid attachment storage key/);
  });
});
