import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { normalizeOutput, outputDiff } from './compare.js';
import type { CachedOutcome, Sample, SampleProblem, SampleResult } from './types.js';

/** Positions a problem found in a sample's virtual file at the line and column the author wrote it. */
export function problemToDiagnostic(sample: Sample, problem: SampleProblem, strict: boolean): Diagnostic {
  const file = sample.files[problem.file];
  const origin = file?.origins[problem.line];
  return {
    severity: problem.severity === 'warning' && !strict ? 'warning' : 'error',
    file: origin?.file ?? sample.chapter.path,
    line: origin?.line ?? sample.firstLine - 1,
    column: origin ? problem.column + 1 + origin.indent : 1,
    message: problem.message,
    details: problem.details,
    ruleId: problem.ruleId,
  };
}

/** Decides whether a sample passed, from its (possibly cached) type-check and run outcome. */
export function judgeSample(sample: Sample, outcome: CachedOutcome | undefined, cached: boolean, strict: boolean): SampleResult {
  const fenceLine = sample.firstLine - 1;
  const result: SampleResult = {
    name: sample.name,
    file: sample.chapter.path,
    line: fenceLine,
    status: 'passed',
    cached,
    diagnostics: [],
    expectedOutput: sample.output ? normalizeOutput(sample.output.text) : undefined,
    durationMs: outcome?.run?.durationMs ?? 0,
  };
  if (!sample.check) {
    result.status = 'skipped';
    return result;
  }
  if (!outcome) {
    result.status = 'skipped';
    return result;
  }
  const at = (message: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
    severity: 'error',
    file: sample.chapter.path,
    line: fenceLine,
    column: sample.node.position?.start.column ?? 1,
    message,
    ...extra,
  });
  result.diagnostics.push(...outcome.types.problems.map((p) => problemToDiagnostic(sample, p, strict)));
  const compiled = !outcome.types.problems.some((p) => p.severity !== 'warning');
  const outputLine = (sample.output?.node.position?.start.line ?? fenceLine) + 1;
  // An output block says what the sample prints; when nothing runs the sample, nothing checks that claim.
  const unverified = (why: string) =>
    result.diagnostics.push({
      severity: 'error',
      file: sample.chapter.path,
      line: outputLine - 1,
      column: 1,
      message: `The \`\`\`output block is not verified: ${why}`,
      hint: 'Let the sample run (remove no-run, or mark the fence `run`), or mark the block ```output illustrative``` when it only shows what such code would print.',
      ruleId: 'samples/output-not-verified',
    });
  if (sample.run && outcome.types.cannotRun && compiled) {
    result.typeCheckedOnly = outcome.types.cannotRun;
    if (sample.output && !sample.output.illustrative) unverified(`the sample is type-checked only (${outcome.types.cannotRun})`);
  } else if (!sample.run && sample.output && !sample.output.illustrative) {
    unverified(`the sample is not run (${sample.notRunReason ?? 'no-run'})`);
  }
  const run = outcome.run;
  if (sample.run && run) {
    result.actualOutput = normalizeOutput(run.output);
    if (run.violation) {
      result.diagnostics.push(
        at(`The sample ${run.violation.message}`, {
          ruleId: `samples/${run.violation.rule === 'runner' ? 'runner-ended' : `${run.violation.rule}-limit`}`,
          hint: violationHints[run.violation.rule],
        }),
      );
    } else if (run.timedOut) {
      result.diagnostics.push(
        at(`The sample did not finish within ${sample.timeoutMs} ms${run.retried ? ', twice' : ''}; it was stopped`, {
          ruleId: 'samples/timeout',
          hint: 'The limit is wall-clock time and a timeout is retried once, so a loaded machine does not fail a sample. Fix the endless loop or unsettled promise, or raise the limit with timeout=MS in the fence.',
        }),
      );
    } else if (run.crashed) {
      result.diagnostics.push(at(`The sample crashed ${run.crashed}`, { ruleId: 'samples/crashed' }));
    } else {
      if (run.unhandledRejection) {
        result.diagnostics.push(
          at(`Unhandled promise rejection: ${run.unhandledRejection}`, { ruleId: 'samples/unhandled-rejection', hint: 'Await the promise or add a .catch() handler.' }),
        );
      }
      const failedRun = run.error !== undefined || run.exitCode !== 0;
      if (sample.throws && !failedRun) {
        result.diagnostics.push(at('The sample is marked `throws`, but it finished without throwing', { ruleId: 'samples/expected-throw' }));
      } else if (!sample.throws && failedRun && !run.unhandledRejection) {
        const what = run.error ? `threw ${run.error}` : `exited with code ${run.exitCode}`;
        const hint = run.error?.includes('ERR_ACCESS_DENIED')
          ? 'Samples run in a sandbox: they may read only the book project and its packages (not links out of it, `.git` or `.env`), write only inside their temporary working folder, and cannot start processes or workers.'
          : 'Mark the fence `throws` if the sample is meant to fail.';
        result.diagnostics.push(at(`The sample ${what}`, { ruleId: 'samples/threw', hint, details: run.error ? undefined : tail(result.actualOutput) }));
      }
      if (run.outputTruncated) result.diagnostics.push(at('The sample printed more than the output limit (1 MB); the rest was dropped', { ruleId: 'samples/output-limit' }));
      // What ends a `throws` sample is printed as `Name: message`; a sample that prints nothing else needs no block.
      const printed = sample.throws && run.error ? result.actualOutput.replace(new RegExp(`\\n?${escapeRegExp(run.error)}$`), '') : result.actualOutput;
      const ranAsExpected = sample.throws ? failedRun : !failedRun && !run.unhandledRejection;
      if (!sample.output && ranAsExpected && printed.trim() !== '' && !run.outputTruncated) {
        result.diagnostics.push(
          at('The sample prints, but no ```output block shows what: a reader cannot see it', {
            ruleId: 'samples/output-missing',
            hint: 'Run `evergreen check --update` to add the block after the sample.',
            details: tail(result.actualOutput),
          }),
        );
      }
      if (sample.output && !sample.output.illustrative && result.expectedOutput !== result.actualOutput) {
        result.diagnostics.push({
          severity: 'error',
          file: sample.chapter.path,
          line: outputLine,
          column: 1,
          message: 'The output differs from the ```output block',
          hint: 'Run `evergreen check --update` to rewrite the block from the actual output.',
          ruleId: 'samples/output-mismatch',
          details: outputDiff(result.expectedOutput ?? '', result.actualOutput),
        });
      }
    }
  }
  if (result.diagnostics.some((d) => d.severity === 'error')) result.status = 'failed';
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const violationHints = {
  memory: 'Raise the limit for this sample with memory=MB in the fence, or for the book with sandbox.memory in book.yaml.',
  network: 'Samples run without a network. Mark the fence `network` if this sample must reach it, or set sandbox.network in book.yaml.',
  runner: 'Its runner process was replaced and the other samples ran as usual. Samples may not signal, end or outlive their runner.',
};

function tail(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return text.split('\n').slice(-10).join('\n');
}
