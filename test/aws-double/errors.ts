/**
 * Errors in the AWS JSON 1.1 shape: an HTTP status, `__type` and a message in the body, and the
 * `x-amzn-ErrorType` header. The SDK maps `__type` to the modelled exception class.
 */

/** Which member carries the message: ECS and SSM write `message`, Cloud Map and Secrets Manager `Message`. */
export type MessageKey = 'message' | 'Message';

export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly messageKey: MessageKey = 'message',
  ) {
    super(message);
  }
}

export const ecsError = (type: string, message: string): AwsError =>
  new AwsError(400, type, message, 'message');
export const cloudMapError = (type: string, message: string): AwsError =>
  new AwsError(400, type, message, 'Message');

export const invalidEcsParameter = (message: string): AwsError =>
  ecsError('InvalidParameterException', message);
export const invalidCloudMapInput = (message: string): AwsError => cloudMapError('InvalidInput', message);
