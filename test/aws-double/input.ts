/** Typed reads of a JSON request body, failing with the API's validation error. */
import type { AwsError } from './errors.ts';

/** A parsed JSON 1.1 request body. */
export type Input = Readonly<Record<string, unknown>>;

export const optionalString = (
  input: Input,
  name: string,
  invalid: (m: string) => AwsError,
): string | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string.`);
  return value;
};

export const requiredString = (input: Input, name: string, invalid: (m: string) => AwsError): string => {
  const value = optionalString(input, name, invalid);
  if (value === undefined || value === '') throw invalid(`${name} can not be blank.`);
  return value;
};

export const stringList = (
  input: Input,
  name: string,
  invalid: (m: string) => AwsError,
): string[] | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalid(`${name} must be a list of strings.`);
  }
  return value as string[];
};
