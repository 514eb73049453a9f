/**
 * A real Powertools Logger whose JSON lines the test reads back: Powertools writes through a
 * `Console` on `process.stdout`, so stdout is recorded (and kept off the test output) until `stop`.
 * The Lambda runtime's `AWS_LAMBDA_INITIALIZATION_TYPE=on-demand` is set while the Logger is made:
 * Powertools reports a cold start only then (never under provisioned concurrency).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';
import { logTo, type PowertoolsLog } from '../../lambda/log.ts';

export type PowertoolsLines = {
  readonly log: PowertoolsLog;
  /** Every JSON line written so far, parsed. */
  readonly lines: () => Record<string, unknown>[];
  /** Stops recording stdout. */
  readonly stop: () => void;
};

export const powertoolsLines = (): PowertoolsLines => {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  const log = logTo(new Logger({ serviceName: 'test', logLevel: 'INFO' }));
  vi.unstubAllEnvs();
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, stop: () => spy.mockRestore() };
};
