/** CI (`.ci/run` sets REQUIRE_E2E_TOOLS) fails on a missing end-to-end tool instead of skipping its suites. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hasTool } from '../support/e2e-tools.ts';

const MISSING = 'no-such-e2e-tool-here';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('hasTool', () => {
  it('tells a developer machine without the tool to skip', () => {
    // Prepare
    vi.stubEnv('REQUIRE_E2E_TOOLS', '');

    // Act / Assess
    expect([hasTool(MISSING), hasTool(process.execPath)]).toEqual([false, true]);
  });

  it('throws, naming the tool, where CI requires the tools', () => {
    // Prepare
    vi.stubEnv('REQUIRE_E2E_TOOLS', '1');

    // Act / Assess
    expect(() => hasTool(MISSING)).toThrow(`${MISSING} is required (REQUIRE_E2E_TOOLS is set)`);
    expect(hasTool(process.execPath)).toBe(true);
  });
});
