import { z } from 'zod';

/*
 * The schema of `manuscript/book.yaml`. Every key a later stage reads is declared here, so an unknown
 * key (usually a typo) is an error with a did-you-mean instead of a silently ignored setting.
 */

/** Markdown files: a link to one is a link to a chapter. Quarto's .qmd is Markdown with executable cells. */
export const markdownFile = /\.(md|markdown|qmd)$/i;
/** Chapter files: Markdown, and the .txt and .markua files Leanpub books are written in. */
export const chapterFilePattern = /\.(md|markdown|qmd|txt|markua)$/i;

const chapterPath = z
  .string()
  .min(1, 'a chapter path must not be empty')
  .refine((p) => chapterFilePattern.test(p), 'a chapter path must name a Markdown file (.md; also .qmd, .txt, .markua)');

/**
 * A chapter with its title given here (as outlines in mdBook, GitBook and Quarto give it): the title
 * wins over the chapter's front matter and headings.
 */
export const chapterFileSchema = z.strictObject({
  file: chapterPath,
  title: z.string().trim().min(1, 'a chapter title must not be empty').optional(),
  /** `false`: shown without a chapter number (a preface, mdBook's prefix and suffix chapters); later chapters are not shifted. */
  numbered: z.boolean().optional(),
});

const chapterItem = z.union([chapterPath, chapterFileSchema]);

export const partSchema = z.strictObject({
  part: z.string().min(1),
  chapters: z.array(chapterItem).min(1, 'a part needs at least one chapter'),
});

/** The chapters folder: relative to the project, inside it. */
const manuscriptFolder = z
  .string()
  .min(1, 'the manuscript folder must not be empty')
  .refine((p) => !/^([/\\]|[a-zA-Z]:)/.test(p), 'a folder relative to the book project, such as "src" or "docs"')
  .refine((p) => !p.replace(/\\/g, '/').split('/').includes('..'), 'a folder inside the book project (no "..")');

const lengthPattern = /^\d+(\.\d+)?(mm|cm|in|pt|px)$/;
const length = z.string().regex(lengthPattern, 'a length such as "20mm", "0.75in" or "54pt"');

export const pdfSchema = z.strictObject({
  /** A4, A5, Letter, Legal, or "6in 9in" (width height). */
  size: z
    .string()
    .regex(/^(A3|A4|A5|B5|Letter|Legal|\d+(\.\d+)?(mm|cm|in|pt) \d+(\.\d+)?(mm|cm|in|pt))$/i, 'A4, A5, B5, Letter, Legal, or "WIDTH HEIGHT" such as "6in 9in"')
    .default('A4'),
  margins: z.union([length, z.strictObject({ top: length.optional(), bottom: length.optional(), inner: length.optional(), outer: length.optional() })]).optional(),
  /** Start every chapter on a right-hand (odd) page, as printed books do. */
  recto: z.boolean().default(false),
});

/** Limits of sample runs (the threat model is in the guide's samples chapter). */
export const sandboxSchema = z.strictObject({
  /** Memory per sample run, in MB (JavaScript heap, Buffers, everything resident). */
  memory: z.number().int().min(64, 'at least 64 (MB)').max(65_536).default(512),
  /** Time per sample run, in ms (a fence's `timeout=MS` overrides it). */
  timeout: z.number().int().positive('a time in milliseconds, such as 10000').default(10_000),
  /** Whether samples may reach the network (a fence's `network` allows it for one sample). */
  network: z.boolean().default(false),
  /** More folders or files samples may read, relative to the book project or absolute. */
  read: z.array(z.string().min(1)).default([]),
});

export const bookConfigSchema = z.strictObject({
  title: z.string().min(1, 'the title must not be empty'),
  subtitle: z.string().optional(),
  authors: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  language: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'a BCP 47 language tag such as "en" or "pt-BR"')
    .default('en'),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit')
    .optional(),
  url: z.url({ message: 'an absolute URL such as "https://example.com/my-book/"' }).optional(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  copyright: z.string().optional(),
  /** The folder that holds the chapters, relative to the project (default `manuscript`); book.yaml stays in manuscript/. */
  manuscript: manuscriptFolder.default('manuscript'),
  /** The EPUB's cover image (a file under manuscript/); without it a cover is drawn from the title page. */
  cover: z
    .string()
    .regex(/\.(png|jpe?g|gif|svg)$/i, 'a PNG, JPEG, GIF or SVG image under manuscript/, such as "images/cover.png"')
    .optional(),
  chapters: z.array(z.union([chapterPath, chapterFileSchema, partSchema])).optional(),
  /**
   * The other tool's Markdown the chapters are written in, read as that tool reads it, so a book imported by
   * `evergreen init --from` keeps building with both: `mdbook` expands `{{#include}}` and mdBook's other
   * helpers (book/mdbookLinks.ts). Only mdBook needs it: its helpers read files and change the text.
   */
  dialect: z.enum(['mdbook']).optional(),
  /** Names from the format registry (checked against it when the project opens: a config can register more). */
  formats: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a format name such as "html" or "pdf"'))
    .min(1)
    .default(['html', 'pdf']),
  /** Which code blocks are samples; `auto`: `marked` when the book marks any fence `twoslash`, else `all`. */
  samples: z.enum(['auto', 'all', 'marked', 'none']).default('auto'),
  /** Which samples run; `auto`: `output` for a book written for twoslash (its fences marked `twoslash`), else `all`. */
  run: z.enum(['auto', 'all', 'output', 'none']).default('auto'),
  /** TypeScript versions to check with (`["5.9", "6.0"]`), each from the book's dependencies; the first is the primary one. */
  typescript: z
    .array(z.string().regex(/^\d+(\.\d+){0,2}$/, 'a version such as "5.9" or "6.0.3"'))
    .min(1)
    .optional(),
  pdf: pdfSchema.default({ size: 'A4', recto: false }),
  /** Formulas (`$…$`, `$$…$$`), rendered with KaTeX at build time. */
  math: z
    .strictObject({
      /** TeX macros for every formula, e.g. `"\\R": "\\mathbb{R}"` (as KaTeX's `macros` option). */
      macros: z.record(z.string().regex(/^\\(?:[A-Za-z]+|.)$/, 'a TeX control sequence such as "\\R"'), z.string()).default({}),
    })
    .default({ macros: {} }),
  /** Type hovers on the identifiers of type-checked samples in the HTML book (a fence's `no-hovers` turns them off for one sample). */
  hovers: z.boolean().default(true),
  /** Compiler options applied to every TypeScript sample (a per-sample `// @flag:` overrides them). */
  compilerOptions: z.record(z.string(), z.unknown()).optional(),
  sandbox: sandboxSchema.default({ memory: 512, timeout: 10_000, network: false, read: [] }),
  /** Signing of release manifests (the private key never lives in the book). */
  release: z
    .strictObject({
      signingKeyEnv: z.string().optional(),
      signingKeyFile: z.string().optional(),
      /** A signed manifest expires this many days after it is signed; CI re-signs it (`evergreen manifest refresh`). */
      manifestExpiryDays: z.number().positive().max(366).optional(),
      /** The folder of the content-addressed artifact store, relative to the book root (default .evergreen/artifacts; keep it out of git). */
      artifactStore: z.string().min(1).optional(),
      /**
       * Where `evergreen artifacts fetch` gets artifacts the store lacks: a folder, a URL, or a URL template with
       * {sha256}, {name} and {version} (e.g. GitHub release assets). Default: the reader site at `url`.
       */
      artifactSource: z.string().min(1).optional(),
    })
    .optional(),
});

/** book.yaml as the author writes it. */
export type BookConfigInput = z.input<typeof bookConfigSchema>;
/** book.yaml after validation and defaults. */
export type BookConfig = z.output<typeof bookConfigSchema> & { slug: string };
export type ChapterEntry = z.output<typeof partSchema> | z.output<typeof chapterItem>;
export type ChapterItem = z.output<typeof chapterItem>;
