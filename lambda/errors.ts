/**
 * Errors the handler throws. The provider framework passes their message to
 * CloudFormation as the failure reason, so they name the operation, IoT's
 * error and the properties concerned, and stay short: CloudFormation drops
 * responses over 4 KB.
 */

/** Longest message the handler throws for invalid properties. */
export const MAX_VALIDATION_MESSAGE = 2000;

/** IoT's error, with the operation and the properties it concerns. */
export class IotCallError extends Error {
  constructor(operation: string, subject: string, cause: unknown) {
    super(`${operation} failed for ${subject}: ${errorName(cause)}: ${truncate(errorMessage(cause), 600)}`);
    this.name = 'IotCallError';
  }
}

export function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? 'Error';
}

function errorMessage(error: unknown): string {
  const message = (error as { message?: string })?.message;
  return message && message.trim() ? message : '(IoT gave no message)';
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
