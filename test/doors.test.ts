/**
 * The doors as a new user meets them: each mistake gives one clear line naming what to fix, never a
 * stack trace, and every door warns the same way about a misspelt `DiscoveryOptions__*` variable.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otherDoors } from '../example/demo.ts';
import { REGION_MISSING } from '../lambda/aws/region.ts';
import { UNKNOWN_VARIABLES_WARNING } from '../lambda/config/load.ts';
import { createDefaultApp } from '../lambda/http/default-app.ts';
import { recordingLogger } from './http/support.ts';
import { runDoor } from './support/run-door.ts';

const STACK_LINE = /^\s+at /m;

describe('a misspelt DiscoveryOptions variable', () => {
  const env = {
    DiscoveryOptions__EcsClusters: 'prod',
    DiscoveryOptions__EcsCluster: 'prod',
    discoveryoptions__cachettlseconds: '30',
  };

  it('gets the same warning from the CLI as from the server and the Lambda', async () => {
    // Prepare
    const logger = recordingLogger();

    // Act
    createDefaultApp(env, logger);
    const cli = await runDoor('lambda/cli.ts', env);

    // Assess
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: UNKNOWN_VARIABLES_WARNING,
        fields: { variables: ['DiscoveryOptions__EcsCluster'] },
      },
    ]);
    expect(cli.stderr.split('\n')[0]).toBe(
      `warning: ${UNKNOWN_VARIABLES_WARNING} {"variables":["DiscoveryOptions__EcsCluster"]}`,
    );
  });
});

describe('no AWS region', () => {
  it('npm run discover says to set AWS_REGION, in one line', async () => {
    // Act
    const run = await runDoor('lambda/cli.ts', { DiscoveryOptions__EcsClusters: 'prod' });

    // Assess
    expect(run).toEqual({ code: 1, stdout: '', stderr: `discovery failed: ${REGION_MISSING}\n` });
  });

  it('npm start says to set AWS_REGION, in one error log line, and exits 1', async () => {
    // Act
    const run = await runDoor('lambda/server.ts', { DiscoveryOptions__EcsClusters: 'prod', PORT: '0' });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'ERROR', message: REGION_MISSING });
  });
});

describe('a busy PORT', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('npm start names the port in one error log line, no EADDRINUSE stack', async () => {
    // Act
    const run = await runDoor('lambda/server.ts', {
      DiscoveryOptions__EcsClusters: 'prod',
      AWS_REGION: 'eu-west-1',
      PORT: String(port),
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/"level":"ERROR"/);
    expect(run.stderr).not.toMatch(STACK_LINE);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'ERROR',
      message: 'cannot listen: the port is already in use; stop the other process or set PORT',
      host: '127.0.0.1',
      port,
    });
  });
});

describe('npm run demo', () => {
  it('prints how to point the CLI and the local server at its fleet', () => {
    // Act
    const text = otherDoors(
      {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9002',
        AWS_REGION: 'us-east-1',
        DiscoveryOptions__EcsClusters: 'prod;staging',
        DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
      },
      9003,
    );

    // Assess
    expect(text).toBe(
      [
        'The other doors on the same fleet (another shell, while the demo runs):',
        '  export AWS_ENDPOINT_URL=http://127.0.0.1:9002 AWS_REGION=us-east-1',
        "  export 'DiscoveryOptions__EcsClusters=prod;staging' DiscoveryOptions__EcsServiceSelectorTags=PROMETHEUS_TARGET=true",
        '  npm run discover -- --table',
        '  PORT=9003 npm start',
        '',
      ].join('\n'),
    );
  });
});
