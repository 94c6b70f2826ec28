// Runs the evergreen CLI in this process and reports its peak memory and CPU time on stderr, so the
// benchmark can measure whole CLI runs without depending on /usr/bin/time.
import { main } from '../lib/cli/main.js';

const code = await main(process.argv.slice(2));
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\n__BENCH__${JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
});
process.exitCode = code;
