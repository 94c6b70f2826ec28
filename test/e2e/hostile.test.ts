import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

/**
 * The sandbox against a hostile book: one sample per attack an untrusted pull request could try in CI.
 * Every probe must fail as a sample with its reason, and `check` must finish with its whole report.
 * Nothing here is skipped: on a machine that lacks a mechanism (network namespaces, say) the probes it
 * covers succeed and these tests fail, which is the point.
 */
interface Probe {
  name: string;
  code: string;
  fence?: string;
}

function countingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nreached');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, connections: () => count })));
}

describe('evergreen check against a hostile book', () => {
  let root: string;
  let chapter: string;
  let chapterBefore: string;
  let offline: Awaited<ReturnType<typeof countingServer>>;
  let online: Awaited<ReturnType<typeof countingServer>>;
  let run: CliResult;
  let cases: { name: string; line: number; failures: { message: string; type: string }[] }[];
  let suiteAttributes: Record<string, string>;
  const lineOf = new Map<string, number>();

  beforeAll(async () => {
    offline = await countingServer();
    online = await countingServer();
    const outside = tempDir('evergreen-secrets-');
    const home = path.join(outside, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'SSH-PRIVATE-KEY\n');
    const signingKey = path.join(outside, 'release-signing.pem');
    writeFileSync(signingKey, 'RELEASE-SIGNING-KEY\n');
    writeFileSync(path.join(outside, 'linked-secret.txt'), 'LINKED-SECRET\n');

    root = tempDir('evergreen-hostile-');
    const manuscript = path.join(root, 'manuscript');
    mkdirSync(manuscript, { recursive: true });
    writeFileSync(path.join(manuscript, 'book.yaml'), `title: Hostile\nrelease:\n  signingKeyFile: ${JSON.stringify(signingKey)}\n`);
    // A pull request can add a symbolic link: git stores links as links.
    symlinkSync(path.join(outside, 'linked-secret.txt'), path.join(manuscript, 'notes.txt'));
    chapter = path.join(manuscript, 'probes.md');
    const relative = `${'../'.repeat(16)}${chapter.slice(1)}`;

    const probes: Probe[] = [
      { name: 'environ', code: "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(`/proc/${process.ppid}/environ`, 'utf8'));" },
      { name: 'passwd', code: "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync('/etc/passwd', 'utf8'));" },
      { name: 'ssh', code: `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(${JSON.stringify(path.join(home, '.ssh', 'id_ed25519'))}, 'utf8'));` },
      { name: 'signing-key', code: `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(${JSON.stringify(signingKey)}, 'utf8'));` },
      { name: 'symlink', code: `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(${JSON.stringify(path.join(manuscript, 'notes.txt'))}, 'utf8'));` },
      {
        name: 'tcp',
        code: `import { connect } from 'node:net';\nawait new Promise((resolve, reject) => connect(${offline.port}, '127.0.0.1').on('connect', resolve).on('error', reject));\nconsole.log('connected');`,
      },
      { name: 'fetch', code: `const response = await fetch('http://127.0.0.1:${offline.port}/');\nconsole.log(await response.text());` },
      {
        name: 'buffers',
        code: 'const chunks: Buffer[] = [];\nfor (let i = 0; i < 10; i++) chunks.push(Buffer.alloc(1024 ** 3, 1));\nconsole.log(chunks.length);',
        fence: 'timeout=60000',
      },
      { name: 'heap', code: 'const items: number[][] = [];\nfor (;;) items.push(new Array(1_000_000).fill(1.5));', fence: 'timeout=60000' },
      { name: 'kill-parent', code: "process.kill(process.ppid, 'SIGKILL');\nconsole.log('check survived');" },
      { name: 'write-absolute', code: `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(chapter)}, 'defaced');` },
      { name: 'write-relative', code: `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(relative)}, 'defaced');` },
      { name: 'child-process', code: "import { execSync } from 'node:child_process';\nconsole.log(execSync('id').toString());" },
      { name: 'worker', code: "import { Worker } from 'node:worker_threads';\nnew Worker('console.log(1)', { eval: true });" },
      { name: 'loop', code: 'for (;;) {}', fence: 'timeout=1500' },
      { name: 'promise', code: 'await new Promise(() => {});', fence: 'timeout=1500' },
      { name: 'interval', code: "setInterval(() => console.log('tick'), 100);", fence: 'timeout=1500' },
    ];
    const blocks: string[] = ['# Probes', ''];
    const push = (name: string, fence: string, code: string, output?: string) => {
      lineOf.set(name, blocks.length + 1);
      blocks.push(`\`\`\`ts ${fence}`.trimEnd(), ...code.split('\n'), '```', '');
      if (output !== undefined) blocks.push('```output', output, '```', '');
    };
    for (const probe of probes) push(probe.name, probe.fence ?? '', probe.code);
    // The samples after the probes run as usual, one of them with the network it asks for.
    push('allowed-network', 'network', `const response = await fetch('http://127.0.0.1:${online.port}/');\nconsole.log(await response.text());`, 'reached');
    push('canary', '', "console.log('still here', process.env.FOO_SECRET ?? 'no secret');", 'still here no secret');
    chapterBefore = `${blocks.join('\n')}\n`;
    writeFileSync(chapter, chapterBefore);

    run = await runCli(['check', '--root', root, '--reporter', 'junit'], { env: { FOO_SECRET: 'x-secret-value', HOME: home }, timeout: 300_000 });
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) }).parse(
      run.stdout,
    ) as {
      testsuites: Record<string, string> & { testsuite: { testcase: { name: string; line: string; failure?: { message: string; type: string }[] }[] }[] };
    };
    suiteAttributes = parsed.testsuites;
    cases = parsed.testsuites.testsuite.flatMap((suite) =>
      suite.testcase.map((c) => ({ name: c.name, line: Number(c.line), failures: (c.failure ?? []).map((f) => ({ message: f.message, type: f.type })) })),
    );
  }, 300_000);

  afterAll(() => {
    offline?.server.close();
    online?.server.close();
  });

  const failuresOf = (name: string) => {
    const found = cases.find((c) => c.line === lineOf.get(name));
    if (!found) throw new Error(`no test case for probe ${name} in:\n${run.stdout}\n${run.stderr}`);
    return found.failures;
  };

  it('finishes with exit 1 and a JUnit report of every sample', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(cases).toHaveLength(lineOf.size);
    expect(suiteAttributes.tests).toBe(String(lineOf.size));
    expect(suiteAttributes.failures).toBe(String(lineOf.size - 2));
  });

  it('keeps the environment of check, /proc, /etc, ~/.ssh, the signing key and links out of the book unreadable', () => {
    expect(run.stdout).not.toContain('x-secret-value');
    for (const [name, file] of [
      ['environ', '/proc/0/environ'],
      ['passwd', '/etc/passwd'],
      ['ssh', '.ssh/id_ed25519'],
      ['signing-key', 'release-signing.pem'],
      ['symlink', 'notes.txt'],
    ] as const) {
      expect(failuresOf(name), name).toMatchObject([
        { type: 'samples/threw', message: expect.stringMatching(new RegExp(`ERR_ACCESS_DENIED.*FileSystemRead of \\S*${file.replace(/\./g, '\\.')}`)) },
      ]);
    }
    for (const secret of ['SSH-PRIVATE-KEY', 'RELEASE-SIGNING-KEY', 'LINKED-SECRET', 'root:x:0:0']) expect(run.stdout).not.toContain(secret);
  });

  it('cuts samples off the network, naming where they tried to go', () => {
    expect(offline.connections()).toBe(0);
    for (const name of ['tcp', 'fetch']) {
      expect(failuresOf(name), name).toEqual([{ type: 'samples/network-limit', message: `The sample tried to reach 127.0.0.1:${offline.port}: network is off for samples` }]);
    }
  });

  it('stops a sample at its memory limit, in Buffers and on the heap', () => {
    for (const name of ['buffers', 'heap']) expect(failuresOf(name), name).toEqual([{ type: 'samples/memory-limit', message: 'The sample exceeded the 512 MB memory limit' }]);
  });

  it('keeps check out of reach of signals', () => {
    expect(failuresOf('kill-parent')).toMatchObject([{ type: 'samples/threw', message: expect.stringContaining('samples may not signal other processes') }]);
  });

  it('refuses writes into the book, child processes and workers', () => {
    for (const name of ['write-absolute', 'write-relative', 'child-process', 'worker'])
      expect(failuresOf(name), name).toMatchObject([{ message: expect.stringContaining('ERR_ACCESS_DENIED') }]);
    expect(readFileSync(chapter, 'utf8')).toBe(chapterBefore);
  });

  it('stops endless loops, unsettled promises and intervals at the time limit', () => {
    for (const name of ['loop', 'promise', 'interval']) expect(failuresOf(name), name).toMatchObject([{ type: 'samples/timeout' }]);
  });

  it('runs the samples after the probes as usual, with the network for the one that asks for it', () => {
    expect(failuresOf('allowed-network')).toEqual([]);
    expect(online.connections()).toBe(1);
    expect(failuresOf('canary')).toEqual([]);
  });
});

describe('sandbox limits from book.yaml and the fence', () => {
  let run: CliResult;
  let report: { samples: { line: number; status: string; diagnostics: { message: string; ruleId?: string }[] }[] };
  const lines: Record<string, number> = {};

  beforeAll(async () => {
    const root = tempDir('evergreen-limits-');
    mkdirSync(path.join(root, 'manuscript'));
    writeFileSync(path.join(root, 'manuscript', 'book.yaml'), 'title: Limits\nsandbox:\n  memory: 128\n  timeout: 3000\n');
    // A sample that prints shows its output block (a printing sample without one is itself an error).
    const samples: [string, string, string, string?][] = [
      ['over-book-memory', 'timeout=60000', 'const big = Buffer.alloc(300 * 1024 ** 2, 1);\nconsole.log(big.length);', '314572800'],
      ['fence-memory', 'memory=1024 timeout=60000', 'const big = Buffer.alloc(300 * 1024 ** 2, 1);\nconsole.log(big.length);', '314572800'],
      ['over-book-time', '', 'await new Promise((resolve) => setTimeout(resolve, 6000));'],
      ['fence-time', 'timeout=30000', 'await new Promise((resolve) => setTimeout(resolve, 6000));'],
      ['bad-memory', 'memory=lots', "console.log('x');", 'x'],
    ];
    const text: string[] = ['# Limits', ''];
    for (const [name, fence, code, output] of samples) {
      lines[name] = text.length + 1;
      text.push(`\`\`\`ts ${fence}`.trimEnd(), ...code.split('\n'), '```', '');
      if (output !== undefined) text.push('```output', output, '```', '');
    }
    writeFileSync(path.join(root, 'manuscript', 'limits.md'), text.join('\n'));
    run = await runCli(['check', '--root', root, '--reporter', 'json'], { timeout: 300_000 });
    report = JSON.parse(run.stdout) as typeof report;
  }, 300_000);

  const sample = (name: string) => report.samples.find((s) => s.line === lines[name])!;

  it('applies sandbox.memory and sandbox.timeout to every sample', () => {
    expect(run.code).toBe(1);
    expect(sample('over-book-memory').diagnostics).toMatchObject([{ ruleId: 'samples/memory-limit', message: 'The sample exceeded the 128 MB memory limit' }]);
    expect(sample('over-book-time').diagnostics).toMatchObject([{ ruleId: 'samples/timeout', message: expect.stringContaining('within 3000 ms') }]);
  });

  it('lets a fence raise them for one sample', () => {
    expect(sample('fence-memory').status).toBe('passed');
    expect(sample('fence-time').status).toBe('passed');
  });

  it('refuses a memory limit that is not a number of MB', () => {
    expect(sample('bad-memory').diagnostics).toMatchObject([{ ruleId: 'samples/invalid-attribute', message: 'memory=lots is not a memory limit' }]);
  });
});
