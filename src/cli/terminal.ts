import path from 'node:path';
import pc from 'picocolors';
import { formatDiagnostics, summarizeDiagnostics } from '../diagnostics/report.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

/** Colour only on a TTY and never when NO_COLOR is set (picocolors checks both). */
export const colors = pc.createColors(pc.isColorSupported && process.stderr.isTTY === true);

/**
 * A one-line progress display for long steps on a TTY. When output is piped (CI logs), it prints
 * nothing: logs keep only diagnostics and the summary.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): { update: (message: string) => void; done: () => void } {
  if (!stream.isTTY || process.env.CI) return { update: () => {}, done: () => {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  let message = '';
  let timer: NodeJS.Timeout | undefined;
  const draw = () => stream.write(`\r\x1b[K${colors.cyan(frames[frame++ % frames.length])} ${message}`);
  return {
    update(next) {
      message = next;
      timer ??= setInterval(draw, 80).unref();
      draw();
    },
    done() {
      if (timer) clearInterval(timer);
      if (message) stream.write('\r\x1b[K');
      timer = undefined;
      message = '';
    },
  };
}

export function printDiagnostics(items: readonly Diagnostic[]): void {
  if (items.length === 0) return;
  process.stderr.write(`${formatDiagnostics(items, { color: colors.isColorSupported })}\n`);
}

export function diagnosticsSummary(items: readonly Diagnostic[]): string {
  return summarizeDiagnostics(items);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A path as the user would type it: relative when inside the current folder, absolute otherwise. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' ? '.' : rel.startsWith('..') ? file : rel;
}
