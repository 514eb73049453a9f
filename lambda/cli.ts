/**
 * The CLI door: one discovery with the current environment, printed to stdout.
 *   npm run discover               -> the http_sd JSON body, exactly as the endpoint serves it
 *   npm run discover -- --table    -> a short human table (target, cluster, service, task, name, path)
 *   npm run discover -- --explain  -> every cluster, service, task and scrape group, and why it is or
 *                                     is not a target (the table of `GET /debug/targets`)
 * Exit code 1 and the reason on stderr when the configuration is invalid or an AWS read fails.
 * It is the first thing to run when a target is missing: skipped tasks and AWS warnings go to stderr.
 */
import { pathToFileURL } from 'node:url';
import { isRegionMissing, REGION_MISSING } from './aws/region.ts';
import { loadConfig, UNKNOWN_VARIABLES_WARNING, unknownOptionVariables } from './config/load.ts';
import { createDiscoverDetailed, DiscoveryError } from './discover.ts';
import { formatExplainTable, formatTable } from './targets/index.ts';

type Io = { out: (text: string) => void; err: (text: string) => void };

const USAGE = 'usage: npm run discover [-- --table | --explain]';
const FLAGS: readonly string[] = ['--table', '--explain'];

const describeError = (error: unknown): string => {
  const cause = error instanceof DiscoveryError ? error.cause : error;
  if (isRegionMissing(cause)) return REGION_MISSING;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
};

/** Runs the CLI; returns the exit code. `env` and `io` are parameters so tests drive it in-process. */
export const runCli = async (
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
  io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> => {
  const unknown = args.filter((a) => !FLAGS.includes(a));
  if (unknown.length > 0) {
    io.err(`unknown argument: ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  if (args.includes('--table') && args.includes('--explain')) {
    io.err(`--table and --explain print different tables; pick one\n${USAGE}\n`);
    return 2;
  }
  const unknownVariables = unknownOptionVariables(env);
  if (unknownVariables.length > 0) {
    io.err(`warning: ${UNKNOWN_VARIABLES_WARNING} ${JSON.stringify({ variables: unknownVariables })}\n`);
  }
  try {
    const config = loadConfig(env);
    const discover = createDiscoverDetailed(config, {
      onWarning: (w) => io.err(`warning: ${w.message} ${JSON.stringify(w.data)}\n`),
    });
    const result = await discover();
    if (args.includes('--explain')) {
      io.out(`${formatExplainTable(result.explain)}\n`);
    } else if (args.includes('--table')) {
      io.out(`${formatTable(result.groups)}\n`);
    } else {
      io.out(`${result.body}\n`);
    }
    const skipped = Object.entries(result.skipped).filter(([, n]) => n > 0);
    const calls = Object.entries(result.awsCalls)
      .map(([op, n]) => `${op}=${n}`)
      .join(' ');
    io.err(
      `${result.targetCount} targets in ${result.durationMs} ms; AWS calls: ${calls || 'none'}` +
        `${skipped.length > 0 ? `; skipped tasks: ${skipped.map(([r, n]) => `${r}=${n}`).join(' ')}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    io.err(`discovery failed: ${describeError(error)}\n`);
    return 1;
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
