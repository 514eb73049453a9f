/**
 * A test stand-in for the `awslambda` global of the Lambda Node.js runtime, following the runtime
 * interface client (aws-lambda-nodejs-runtime-interface-client, src/stream/http-response-stream.ts and
 * response-stream.ts): `streamifyResponse` marks the handler and returns it; the response stream is a
 * Writable whose first `write` first emits what `_onBeforeFirstWrite` writes; `HttpResponseStream.from`
 * sets the content type `application/vnd.awslambda.http-integration-response` and writes the JSON
 * prelude followed by 8 NUL bytes before the body.
 */
import { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LENGTH = 8;

type WriteFn = (chunk: string | Uint8Array) => void;

export class TestResponseStream extends Writable {
  contentType = 'application/octet-stream';
  _onBeforeFirstWrite: ((write: WriteFn) => void) | undefined;
  readonly #chunks: Buffer[] = [];
  #written = false;

  setContentType(contentType: string): void {
    if (this.#written) throw new Error('Cannot set content-type, too late.');
    this.contentType = contentType;
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    if (!this.#written && typeof this._onBeforeFirstWrite === 'function') {
      this._onBeforeFirstWrite((early) => {
        super.write(early);
      });
    }
    this.#written = true;
    return (super.write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    callback();
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

const HttpResponseStream = {
  from(stream: TestResponseStream, prelude: Record<string, unknown>): TestResponseStream {
    stream.setContentType(PRELUDE_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(new Uint8Array(DELIMITER_LENGTH));
    };
    return stream;
  },
};

/** Installs the global (idempotent). Must run before a streaming Middy handler is created. */
export const installAwsLambdaGlobal = (): void => {
  (globalThis as { awslambda?: unknown }).awslambda = {
    streamifyResponse: <T extends object>(handler: T): T =>
      Object.assign(handler, { [HANDLER_STREAMING]: STREAM_RESPONSE }),
    HttpResponseStream,
  };
};

export const removeAwsLambdaGlobal = (): void => {
  delete (globalThis as { awslambda?: unknown }).awslambda;
};

export type StreamedResponse = {
  /** The content type the runtime would send to the Function URL front end. */
  readonly contentType: string;
  readonly prelude: { statusCode: number; headers: Record<string, string> };
  readonly body: Buffer;
};

type StreamingFunction = (event: unknown, stream: TestResponseStream, context: Context) => Promise<unknown>;

/** Invokes a streamified handler as the runtime does and splits what it wrote into prelude and body. */
export const invokeStreaming = async (
  handler: unknown,
  event: unknown,
  context: Context,
): Promise<StreamedResponse> => {
  const marked = handler as StreamingFunction & { [HANDLER_STREAMING]?: string };
  if (marked[HANDLER_STREAMING] !== STREAM_RESPONSE) throw new Error('handler is not streamified');
  const stream = new TestResponseStream();
  await marked(event, stream, context);
  if (!stream.writableFinished) throw new Error('handler returned before ending the response stream');
  const bytes = stream.bytes();
  const delimiter = bytes.indexOf(Buffer.alloc(DELIMITER_LENGTH));
  if (stream.contentType !== PRELUDE_CONTENT_TYPE || delimiter < 0)
    throw new Error('no HTTP prelude written');
  return {
    contentType: stream.contentType,
    prelude: JSON.parse(bytes.subarray(0, delimiter).toString('utf8')),
    body: bytes.subarray(delimiter + DELIMITER_LENGTH),
  };
};
