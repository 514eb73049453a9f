/**
 * Whether an end-to-end tool (Prometheus, Chromium from Debian's packages) can run. Without it the
 * suites that need it are skipped on a developer machine, but `.ci/run` sets `REQUIRE_E2E_TOOLS`:
 * there a missing tool fails, so CI never passes with those suites silently skipped.
 */
import { spawnSync } from 'node:child_process';

export const hasTool = (command: string): boolean => {
  const runs = spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!runs && process.env.REQUIRE_E2E_TOOLS) {
    throw new Error(
      `${command} is required (REQUIRE_E2E_TOOLS is set) but \`${command} --version\` did not run`,
    );
  }
  return runs;
};
