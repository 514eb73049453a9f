import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../lambda/http/problem.ts';
import { type LambdaHttpEvent, matchRoute, toHttpRequest } from '../../lambda/http/request.ts';
import { functionUrlEvent, httpApiEvent, lambdaContext, restEvent } from './support.ts';

describe('toHttpRequest', () => {
  it('reads a Function URL event', () => {
    // Act
    const request = toHttpRequest(
      functionUrlEvent({ headers: { authorization: 'Bearer t' } }),
      lambdaContext(),
    );

    // Assess
    expect(request).toEqual({
      method: 'GET',
      path: '/prometheus-targets',
      headers: {
        'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256',
        'x-amzn-tls-version': 'TLSv1.3',
        'x-amzn-trace-id': 'Root=1-6750f3a1-5c2a1b3e7d9f0a1b2c3d4e5f',
        'x-forwarded-proto': 'https',
        host: 'abcdefghijklmnopqrstuvwxyz0123456.lambda-url.eu-west-1.on.aws',
        'x-forwarded-port': '443',
        'x-forwarded-for': '203.0.113.10',
        'user-agent': 'Prometheus/2.42.0',
        authorization: 'Bearer t',
      },
      requestId: '6f1c0a7e-3b9d-4c2e-8a51-2d7b9e0f4a63',
      payloadVersion: '2.0',
      // 30 s remaining in the test context, less the margin to answer.
      refreshBudgetMs: 29_000,
    });
  });

  it('keeps the stage of an HTTP API event in the path', () => {
    // Act
    const request = toHttpRequest(httpApiEvent({ method: 'head' }), lambdaContext());

    // Assess
    expect([request.method, request.path, request.requestId, request.payloadVersion]).toEqual([
      'HEAD',
      '/prod/prometheus-targets',
      'Cp1Z2hPEDoEEJbw=',
      '2.0',
    ]);
  });

  it('lower-cases REST header names and joins repeated headers', () => {
    // Prepare
    const event = restEvent({ headers: { Authorization: 'Bearer a' } });
    event.multiValueHeaders.Authorization = ['Bearer a', 'Bearer b'];

    // Act
    const request = toHttpRequest(event, lambdaContext());

    // Assess
    expect([request.method, request.path, request.headers.authorization, request.headers.host]).toEqual([
      'GET',
      '/prometheus-targets',
      'Bearer a,Bearer b',
      'x1y2z3w4v5.execute-api.eu-west-1.amazonaws.com',
    ]);
    expect([request.requestId, request.payloadVersion]).toEqual([
      'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      '1.0',
    ]);
  });

  it('rejects an event that is not an HTTP event with a 400 problem', () => {
    // Act
    const act = () => toHttpRequest({ detail: {} } as unknown as LambdaHttpEvent, lambdaContext());

    // Assess
    expect(act).toThrow(HttpProblem);
    expect(act).toThrow(/Unsupported event/);
  });
});

describe('matchRoute', () => {
  it.each([
    { path: '/prometheus-targets', route: 'prometheus-targets' },
    { path: '/prod/prometheus-targets', route: 'prometheus-targets' },
    { path: '/sd/v1/prometheus-targets', route: 'prometheus-targets' },
    { path: '/health', route: 'health' },
    { path: '/prod/health', route: 'health' },
    { path: '/metrics', route: 'metrics' },
    { path: '/', route: undefined },
    { path: '/prometheus-targets/', route: undefined },
    { path: '/prometheus-targets.json', route: undefined },
    { path: '/my-health', route: undefined },
    { path: '/prometheus%2Dtargets', route: undefined },
  ])('routes $path to $route', ({ path, route }) => {
    expect(matchRoute(path)).toBe(route);
  });
});
