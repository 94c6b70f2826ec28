import { createTwoFilesPatch } from 'diff';

/**
 * Normalises output for comparison: what a reader cannot see or what differs between machines must not fail
 * a sample (Windows line ends, trailing spaces, trailing blank lines). The runner already replaced the
 * temp folder's path with `<tmp>`.
 */
export function normalizeOutput(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '')
    .replace(/^\n+/, '');
}

/** A unified diff from the expected output (the block in the chapter) to what the sample printed. */
export function outputDiff(expected: string, actual: string): string {
  const patch = createTwoFilesPatch('expected (```output block)', 'actual', `${expected}\n`, `${actual}\n`, '', '', { context: 3 });
  return patch
    .split('\n')
    .filter((line) => !line.startsWith('===') && !line.startsWith('Index:') && line !== '\\ No newline at end of file')
    .join('\n')
    .trimEnd();
}
