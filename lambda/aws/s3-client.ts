/**
 * The S3 client of the snapshot, made once per process at the edge. Endpoint and region come from the
 * standard SDK settings (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `AWS_REGION`), as for ECS.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export const createS3Client = (overrides: S3ClientConfig = {}): S3Client =>
  new S3Client({
    // Path-style addressing when an endpoint is given: loopback test doubles have no bucket DNS names.
    forcePathStyle: overrides.endpoint !== undefined || process.env.AWS_ENDPOINT_URL !== undefined,
    // One JSON object per write: a checksum header only where S3 requires one keeps requests plain.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
