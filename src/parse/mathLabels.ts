/**
 * pandoc-crossref and Quarto label display math on its closing line: `$$ {#eq:id}`. remark-math reads a
 * closing fence with anything after it as more math, so the rest of the chapter would vanish into the
 * equation. Before parsing, the label is blanked out (same length, so every position stays right) and
 * remembered by line; remarkCrossRefs puts it back on the math node that starts or ends on that line.
 */
const labelledFence = /^([ \t]*(?:>[ \t]*)*\$\$[ \t]*)(\{#(eq[:-][A-Za-z0-9_](?:[\w.:-]*\w)?)\})([ \t]*\r?)$/;

export interface LiftedMathLabels {
  source: string;
  /** Label id by 1-based line. */
  labels: Map<number, string>;
}

export function liftMathLabels(source: string): LiftedMathLabels {
  const labels = new Map<number, string>();
  if (!source.includes('$$')) return { source, labels };
  const lines = source.split('\n');
  let changed = false;
  lines.forEach((line, i) => {
    if (!line.includes('{#eq')) return;
    const match = labelledFence.exec(line);
    if (!match) return;
    labels.set(i + 1, match[3]);
    lines[i] = match[1] + ' '.repeat(match[2].length) + match[4];
    changed = true;
  });
  return { source: changed ? lines.join('\n') : source, labels };
}
