// A scriptable OpenAI-compatible HTTP server for tests (`@switchboard/ai/testing`):
// exercises the real `openai` provider, HTTP client and SSE parsing without
// the internet. It speaks just enough of the API: POST /v1/chat/completions
// (streamed SSE with an optional usage chunk, plain JSON, tool calls for
// function-calling structured output) and POST /v1/embeddings (float or
// base64 little-endian float32, as the official client asks by default) and,
// when a test scripts it, POST /v1/moderations.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashedEmbedding } from '../embedding.js';

export interface ChatCompletionRequest {
  model: string;
  messages: { role: string; content: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  tools?: { type: string; function: { name: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { name: string; schema?: unknown } };
  [key: string]: unknown;
}

export interface ScriptedReply {
  /** Streamed as one SSE chunk each (or joined for a non-streamed reply). */
  deltas?: string[];
  /** For structured-output requests: returned as a tool call or as JSON content. */
  json?: unknown;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Behave like servers that ignore `stream_options.include_usage`. */
  omitUsage?: boolean;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number;
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number;
  /** Streamed replies: wait this long before each delta (a slow model, to interrupt mid-stream). */
  chunkDelayMs?: number;
}

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
}

export class OpenAiCompatibleServer {
  readonly requests: RecordedRequest[] = [];
  /** Decides each chat reply; replace it per test. */
  chat: (request: ChatCompletionRequest) => ScriptedReply = () => ({ deltas: ['Hello', ' there.'] });
  /** Vector for an embeddings input; the hashed embedding by default so results are checkable. */
  embedText: (text: string, dimensions: number) => number[] = (text, dimensions) => hashedEmbedding(text, dimensions);
  defaultEmbeddingDimensions = 8;
  /**
   * POST /v1/moderations: the verdict for an input (OpenAI's result shape).
   * Unset, the route answers 404 like servers without moderation (Ollama, vLLM).
   */
  moderate: ((input: string) => { flagged: boolean; categories?: Record<string, boolean> }) | undefined;
  private server: Server | undefined;
  private port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push({ path, body });

    if (req.method === 'POST' && path === '/v1/chat/completions') return this.chatCompletions(body as ChatCompletionRequest, res);
    if (req.method === 'POST' && path === '/v1/embeddings') return this.embeddings(body, res);
    if (req.method === 'POST' && path === '/v1/moderations' && this.moderate) {
      const inputs = Array.isArray(body['input']) ? (body['input'] as string[]) : [String(body['input'])];
      const results = inputs.map((input) => {
        const verdict = this.moderate!(input);
        return { flagged: verdict.flagged, categories: verdict.categories ?? {}, category_scores: {} };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `modr-${this.requests.length}`, model: 'omni-moderation-latest', results }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `no route for ${req.method} ${path}`, type: 'invalid_request_error' } }));
  }

  private async chatCompletions(request: ChatCompletionRequest, res: ServerResponse): Promise<void> {
    const reply = this.chat(request);
    // unref: a pending scripted delay must not keep the test process alive.
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs).unref());
    if (res.destroyed) return;
    if (reply.status && reply.status >= 400) {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `scripted failure ${reply.status}`, type: 'server_error', code: null } }));
      return;
    }
    const id = `chatcmpl-${this.requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const content = reply.deltas?.join('') ?? '';
    const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: Math.max(1, reply.deltas?.length ?? 1) };
    const usageBody = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };

    if (request.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        send({ id, object: 'chat.completion.chunk', created, model: request.model, choices, ...extra });
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
      for (const delta of reply.deltas ?? []) {
        if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs).unref());
        if (res.destroyed) return;
        chunk([{ index: 0, delta: { content: delta }, finish_reason: null }]);
      }
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
      if (request.stream_options?.include_usage && !reply.omitUsage) chunk([], { usage: usageBody });
      res.end('data: [DONE]\n\n');
      return;
    }

    let message: Record<string, unknown> = { role: 'assistant', content };
    let finishReason = 'stop';
    const tool = request.tools?.[0]?.function;
    if (reply.json !== undefined && tool) {
      message = {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `call_${this.requests.length}`, type: 'function', function: { name: tool.name, arguments: JSON.stringify(reply.json) } }],
      };
      finishReason = 'tool_calls';
    } else if (reply.json !== undefined) {
      message = { role: 'assistant', content: JSON.stringify(reply.json) };
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model: request.model,
        choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
        usage: usageBody,
      }),
    );
  }

  private embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    const inputs = Array.isArray(body['input']) ? (body['input'] as string[]) : [String(body['input'])];
    const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : this.defaultEmbeddingDimensions;
    const base64 = body['encoding_format'] === 'base64';
    const data = inputs.map((text, index) => {
      const vector = this.embedText(text, dimensions);
      const embedding = base64 ? float32LittleEndianBase64(vector) : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((n, t) => n + t.split(/\s+/).length, 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: body['model'], usage: { prompt_tokens: tokens, total_tokens: tokens } }));
  }
}

function float32LittleEndianBase64(vector: number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}
