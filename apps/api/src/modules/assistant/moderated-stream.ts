// Streams a moderated answer sentence by sentence: deltas are held until the
// text ends a sentence, then the whole answer so far is moderated and, if it
// passes, the held deltas go out. The customer sees the answer grow as it is
// written, and never a word of it before a check has passed it (a flagged
// sentence and everything after it stay held). Checks run one at a time, in
// order, beside the model's stream; settle() waits for the last one.
import type { ModerationResult } from '@switchboard/ai';

/** A sentence ends with . ! ? (or their CJK forms) or a line break, then whitespace or the end of the text so far. */
const SENTENCE_END = /[.!?。！？\n]["')\]]*\s*$/u;

export class ModeratedStream {
  private text = '';
  private held: string[] = [];
  private checks: Promise<void> = Promise.resolve();
  private flaggedVerdict: ModerationResult | null = null;

  constructor(
    private readonly moderate: (text: string) => Promise<ModerationResult>,
    private readonly publish: (delta: string) => void,
  ) {}

  push = (delta: string) => {
    this.text += delta;
    this.held.push(delta);
    if (SENTENCE_END.test(this.text)) this.release();
  };

  /** Checks the whole answer (`final`, as stored) and releases what is still held. Returns the verdict that flagged it, if any. */
  async settle(final: string): Promise<ModerationResult | null> {
    this.text = final;
    this.release();
    await this.checks;
    return this.flaggedVerdict;
  }

  private release() {
    const deltas = this.held;
    const upTo = this.text;
    this.held = [];
    this.checks = this.checks.then(async () => {
      if (this.flaggedVerdict) return;
      const verdict = await this.moderate(upTo);
      if (verdict.flagged) this.flaggedVerdict = verdict;
      else for (const d of deltas) this.publish(d);
    });
  }
}
