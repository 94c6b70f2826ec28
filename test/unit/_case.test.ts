import { it } from 'vitest';
import { diffCase, structuralReport } from '../helpers/diffCorpus.js';
import { formatDiff } from '../../src/release/format.js';
it('show', async () => {
  const d = await diffCase(process.env.CASE!);
  console.log(JSON.stringify(structuralReport(d), null, 2));
  console.log(formatDiff(d, { detail: true }));
});
