import { z } from 'zod';

/**
 * The schema of `manuscript/book.yaml`. Every key a later stage reads is declared here, so an unknown
 * key (usually a typo) is an error with a did-you-mean instead of a silently ignored setting.
 */
const chapterPath = z
  .string()
  .min(1, 'a chapter path must not be empty')
  .refine((p) => p.endsWith('.md') || p.endsWith('.markdown'), 'a chapter path must name a Markdown file (.md)');

export const partSchema = z.strictObject({
  part: z.string().min(1),
  chapters: z.array(chapterPath).min(1, 'a part needs at least one chapter'),
});

const lengthPattern = /^\d+(\.\d+)?(mm|cm|in|pt|px)$/;
const length = z.string().regex(lengthPattern, 'a length such as "20mm", "0.75in" or "54pt"');

export const pdfSchema = z.strictObject({
  /** A4, A5, Letter, Legal, or "6in 9in" (width height). */
  size: z
    .string()
    .regex(
      /^(A3|A4|A5|B5|Letter|Legal|\d+(\.\d+)?(mm|cm|in|pt) \d+(\.\d+)?(mm|cm|in|pt))$/i,
      'A4, A5, B5, Letter, Legal, or "WIDTH HEIGHT" such as "6in 9in"',
    )
    .default('A4'),
  margins: z
    .union([
      length,
      z.strictObject({ top: length.optional(), bottom: length.optional(), inner: length.optional(), outer: length.optional() }),
    ])
    .optional(),
  /** Start every chapter on a right-hand (odd) page, as printed books do. */
  recto: z.boolean().default(false),
});

export const bookConfigSchema = z.strictObject({
  title: z.string().min(1, 'the title must not be empty'),
  subtitle: z.string().optional(),
  authors: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as "en" or "pt-BR"').default('en'),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit')
    .optional(),
  url: z.url({ message: 'an absolute URL such as "https://example.com/my-book/"' }).optional(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  copyright: z.string().optional(),
  /** The EPUB's cover image (a file under manuscript/); without it a cover is drawn from the title page. */
  cover: z
    .string()
    .regex(/\.(png|jpe?g|gif|svg)$/i, 'a PNG, JPEG, GIF or SVG image under manuscript/, such as "images/cover.png"')
    .optional(),
  chapters: z.array(z.union([chapterPath, partSchema])).optional(),
  /** Names from the format registry (checked against it when the project opens: a config can register more). */
  formats: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a format name such as "html" or "pdf"'))
    .min(1)
    .default(['html', 'pdf']),
  samples: z.enum(['all', 'marked', 'none']).default('all'),
  pdf: pdfSchema.default({ size: 'A4', recto: false }),
  /** Compiler options applied to every TypeScript sample (a per-sample `// @flag:` overrides them). */
  compilerOptions: z.record(z.string(), z.unknown()).optional(),
  /** Signing of release manifests (the private key never lives in the book). */
  release: z
    .strictObject({
      signingKeyEnv: z.string().optional(),
      signingKeyFile: z.string().optional(),
    })
    .optional(),
});

/** book.yaml as the author writes it. */
export type BookConfigInput = z.input<typeof bookConfigSchema>;
/** book.yaml after validation and defaults. */
export type BookConfig = z.output<typeof bookConfigSchema> & { slug: string };
export type ChapterEntry = z.output<typeof partSchema> | string;
