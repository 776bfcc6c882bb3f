export * from './package-version';
export * from './s3-object';
export * from './status';
