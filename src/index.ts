export * from './package-version';
export * from './package-version-props';
export * from './s3-object';
export * from './status';
export * from './software-package';
export * from './package-deployment';
