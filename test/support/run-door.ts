/**
 * Runs one door (`lambda/cli.ts`, `lambda/server.ts`, ...) as its own process, the way a person
 * starts it, and collects its exit code and output. The environment is exactly `env` plus PATH, with
 * HOME in an empty folder so no AWS profile of the machine can leak in.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DoorRun = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

// Node 20 only: the AWS SDK prints a multi-line notice that it will need Node 22. It is not the
// door's output (and the Lambda runs Node 22), so it is left out of what the tests compare.
const withoutSdkNodeNotice = (text: string): string =>
  text.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?--trace-warnings[^\n]*\n/, '');

export const runDoor = async (
  script: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
): Promise<DoorRun> => {
  const home = await mkdtemp(join(tmpdir(), 'door-home-'));
  try {
    return await new Promise<DoorRun>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr: withoutSdkNodeNotice(stderr) }));
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
};
