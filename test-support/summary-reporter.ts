// Adds one jest-style line ("Tests:       53 passed, 53 total") after vitest's
// own summary, so the repository's CI tally (.ci/run sums the `Tests:` lines of
// every workspace) counts the web app's tests too.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    const parts = [failed ? `${failed} failed` : '', skipped ? `${skipped} skipped` : '', `${passed} passed`].filter(Boolean);
    console.log(`Tests:       ${parts.join(', ')}, ${passed + failed + skipped} total`);
  }
}
