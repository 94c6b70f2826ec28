import { type Zippable, zipSync } from 'fflate';

/**
 * The OCF container, byte-reproducible: `mimetype` first and stored (readers sniff it at a fixed offset),
 * then the other files in sorted order, every entry with the same timestamp, no extra fields.
 */
export function epubArchive(files: Map<string, Uint8Array | string>, modified: Date): Uint8Array {
  // Zip timestamps are local date and time fields, and fflate reads them in the machine's time zone: give
  // it the moment whose local fields are the UTC ones, so every machine writes the same bytes.
  const mtime = new Date(modified.getUTCFullYear(), modified.getUTCMonth(), modified.getUTCDate(), modified.getUTCHours(), modified.getUTCMinutes(), modified.getUTCSeconds());
  const encoder = new TextEncoder();
  const bytes = (data: Uint8Array | string) => (typeof data === 'string' ? encoder.encode(data) : data);
  const entries: Zippable = { mimetype: [encoder.encode('application/epub+zip'), { level: 0, mtime }] };
  for (const name of [...files.keys()].sort()) {
    if (name === 'mimetype') continue;
    // Images are already compressed; deflating them again only costs time.
    const level = /\.(png|jpe?g|gif|webp|woff2?)$/i.test(name) ? 0 : 9;
    entries[name] = [bytes(files.get(name)!), { level, mtime }];
  }
  return zipSync(entries, { mtime });
}
