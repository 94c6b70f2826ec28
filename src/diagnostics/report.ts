import pc from 'picocolors';
import { formatLocation, sortDiagnostics, type Diagnostic } from './diagnostic.js';

export interface ReportOptions {
  cwd?: string;
  color?: boolean;
}

/** Renders diagnostics as `file:line:col  severity  message`, sorted, one block each. */
export function formatDiagnostics(items: readonly Diagnostic[], options: ReportOptions = {}): string {
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const lines: string[] = [];
  for (const d of sortDiagnostics(items)) {
    const where = colors.bold(formatLocation(d, options.cwd));
    const label = d.severity === 'error' ? colors.red('error') : d.severity === 'warning' ? colors.yellow('warning') : colors.cyan('info');
    lines.push(`${where}  ${label}  ${d.message}${d.ruleId ? colors.dim(`  [${d.ruleId}]`) : ''}`);
    if (d.hint) lines.push(`  ${colors.dim('→')} ${d.hint}`);
    if (d.details) lines.push(d.details.replace(/^/gm, '    '));
  }
  return lines.join('\n');
}

export function summarizeDiagnostics(items: readonly Diagnostic[]): string {
  const errors = items.filter((d) => d.severity === 'error').length;
  const warnings = items.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
