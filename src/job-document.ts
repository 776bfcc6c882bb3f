import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PRESIGNED_URL_PLACEHOLDER } from './shared/deployment-contract';

/**
 * The job document devices receive.
 *
 * It may use IoT's package placeholders, e.g.
 * `${aws:iot:package:firmware:version:1.4.0:attributes:url}` or the artifact's
 * presigned URL `${aws:iot:package:firmware:version:1.4.0:artifact-location:s3-presigned-url}`.
 */
export class JobDocument {
  /** A JSON document given as an object, with any CDK tokens inside resolved. */
  public static fromObject(document: { [key: string]: any }): JobDocument {
    return new JobDocument((scope) => Stack.of(scope).toJsonString(document), JSON.stringify(document));
  }

  /** A JSON document given as a string. */
  public static fromString(document: string): JobDocument {
    return new JobDocument(() => document, document);
  }

  private constructor(private readonly render: (scope: Construct) => string, private readonly raw: string) {}

  /**
   * The document as the template holds it.
   *
   * @param scope the deployment
   */
  public bind(scope: Construct): string {
    return this.render(scope);
  }

  /**
   * Whether the document asks IoT for an artifact's presigned URL.
   *
   * @internal
   */
  public get _usesPresignedUrl(): boolean {
    return PRESIGNED_URL_PLACEHOLDER.test(this.raw);
  }

  /**
   * The document's size in bytes as written (tokens count as their placeholders).
   *
   * @internal
   */
  public get _sizeInBytes(): number {
    return Buffer.byteLength(this.raw, 'utf8');
  }
}
