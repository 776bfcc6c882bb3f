export * from './package-version';
