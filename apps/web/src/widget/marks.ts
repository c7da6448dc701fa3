// Performance marks for the benchmark (bench/run.ts) and anyone profiling the
// widget: when it mounted, when the first message went out, when the first AI
// token arrived. Each is set once per page.
export type WidgetMark = 'switchboard:widget-mounted' | 'switchboard:first-send' | 'switchboard:first-token';

const done = new Set<WidgetMark>();

export function markOnce(name: WidgetMark) {
  if (done.has(name) || typeof performance === 'undefined' || !performance.mark) return;
  done.add(name);
  performance.mark(name);
}
