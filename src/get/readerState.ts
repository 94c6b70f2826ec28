import { existsSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { GetError } from './errors.js';

/**
 * What the reader has, in `.evergreen-get.json` beside the downloads: where the book comes from, which
 * version they hold, the highest version any trusted manifest listed (rollback protection) and the
 * public key pinned on the first signed download. It is the reader's trust record, so it is written
 * atomically and only after the files it describes are in place.
 */
export const stateFileName = '.evergreen-get.json';
const stateFormat = 'evergreen-get/1';

const downloadSchema = z.object({
  version: z.string(),
  kind: z.string(),
  file: z.string(),
  size: z.number(),
  sha256: z.string(),
  downloaded: z.string(),
});

const stateSchema = z.object({
  format: z.literal(stateFormat),
  site: z.string(),
  book: z.object({ title: z.string(), slug: z.string() }),
  /** The version the reader has: the newest one fully downloaded and verified. */
  version: z.string(),
  highestSeen: z.string(),
  /** The highest manifest `serial` trusted so far (rollback protection across yanks). */
  serialSeen: z.number().optional(),
  /**
   * Fingerprint of the key whose signed manifest set `highestSeen` and `serialSeen`; absent when they came
   * from unsigned manifests (trust on first use). They bind only a manifest verified from that same key.
   */
  floorKey: z.string().optional(),
  /** SPKI PEM of the key that signs this book's manifest; absent while the book is unsigned. */
  publicKey: z.string().optional(),
  publicKeySha256: z.string().optional(),
  /** The reader asked for the HTML zip too (`--html`): later updates include it (`--no-html` stops that). */
  html: z.boolean().optional(),
  /** The artifact kinds the reader chose (`--format pdf,epub`); absent: every default download. */
  formats: z.array(z.string()).optional(),
  downloads: z.array(downloadSchema),
  checked: z.string(),
});

export type ReaderState = z.infer<typeof stateSchema>;
export type DownloadRecord = z.infer<typeof downloadSchema>;

export async function readState(dir: string): Promise<ReaderState | undefined> {
  const file = path.join(dir, stateFileName);
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new GetError(
      'folder',
      `${file} is damaged: ${(error as Error).message}`,
      'It records the version you have and the pinned signing key; restore it, or move the folder away and download the book again.',
    );
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) throw new GetError('folder', `${file} is not a state file this version of Evergreen understands`);
  return parsed.data;
}

/** Written to a temporary file, flushed, then renamed: a crash leaves the old state or the new one. */
export async function writeState(dir: string, state: ReaderState): Promise<void> {
  const file = path.join(dir, stateFileName);
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

export function newState(fields: Omit<ReaderState, 'format'>): ReaderState {
  return { format: stateFormat, ...fields };
}
